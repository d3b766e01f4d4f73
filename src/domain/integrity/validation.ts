import type { RuleName } from '../rule-names.js';
export interface FieldIssue {
  /** Where the problem is: input field names and list indexes, outermost first. */
  path: string[];
  message: string;
  /** The rule broken, one of RULE_NAMES (domain/rule-names.ts), such as "max-length" or "invalid_type". */
  rule?: RuleName;
}

/** A write refused because of its input: nothing was written. Mutations return it as a typed result. */
export class ValidationError extends Error {
  constructor(readonly issues: FieldIssue[]) {
    const described = issues.map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message));
    const shown = described.length > 20 ? [...described.slice(0, 20), `and ${described.length - 20} more`] : described;
    super(described.length === 1 ? described[0]! : `${described.length} problems: ${shown.join('; ')}`);
    this.name = 'ValidationError';
  }

  /** The same issues with every path re-rooted by `map`. */
  rebased(map: (path: string[]) => string[]): ValidationError {
    return new ValidationError(this.issues.map((issue) => ({ ...issue, path: map(issue.path) })));
  }
}
