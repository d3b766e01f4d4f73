import { GraphQLError } from 'graphql';
import type { RuleName } from './domain/rule-names.js';

type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'INVALID_ID'
  | 'INVALID_CURSOR'
  | 'CHANGE_CURSOR_UNKNOWN'
  | 'CHANGE_CURSOR_EXPIRED'
  | 'STORE_UNAVAILABLE'
  | 'STORE_TIMEOUT'
  | 'STORE_WRITE_FAILED'
  | 'INVALID_SEED'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'TROPES_BUSY'
  | 'STORY_TOO_LARGE'
  | 'CONNECTION_TOO_LARGE'
  | 'CONNECTIONS_BUSY';

abstract class DramaGraphError extends GraphQLError {
  protected constructor(message: string, code: ErrorCode, details: Record<string, unknown> = {}) {
    super(message, { extensions: { code, ...details } });
  }
}

export class BadUserInputError extends DramaGraphError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super(message, 'BAD_USER_INPUT', details);
  }
}

export class InvalidIdError extends DramaGraphError {
  constructor(id: string) {
    super(`"${id}" is not a valid global ID.`, 'INVALID_ID', { id });
  }
}

/** At most this many characters of a refused cursor are echoed back. */
const SHOWN_CURSOR = 100;
const shownCursor = (cursor: string): string =>
  cursor.length > SHOWN_CURSOR ? `${cursor.slice(0, SHOWN_CURSOR)}…` : cursor;

export class InvalidCursorError extends DramaGraphError {
  /** `argument` names where the cursor came from (`after`, `Last-Event-ID`) when a client may give it in several places. */
  constructor(cursor: string, argument?: string) {
    const shown = shownCursor(cursor);
    super(
      argument === undefined
        ? `"${shown}" is not a cursor this list issued.`
        : `${argument}: "${shown}" is not a cursor this list issued; pass a cursor exactly as the service gave it.`,
      'INVALID_CURSOR',
      argument === undefined ? { cursor: shown } : { cursor: shown, argument },
    );
  }
}

/** A change-feed cursor that is well formed but cannot be resumed from: never issued, or past retention. */
export class ChangeCursorError extends DramaGraphError {
  constructor(
    cursor: string,
    problem: 'unknown' | 'expired',
    bounds: { oldest: string | null; latest: string },
    argument = 'after',
  ) {
    super(
      problem === 'unknown'
        ? `${argument}: "${cursor}" is not a cursor of this change log: it is past the latest change. Start again without \`after\`.`
        : `${argument}: "${cursor}" is older than the change log's retention: changes after it were pruned. Resync, then start again without \`after\`.`,
      problem === 'unknown' ? 'CHANGE_CURSOR_UNKNOWN' : 'CHANGE_CURSOR_EXPIRED',
      { cursor, argument, ...bounds },
    );
  }
}

export class StoreUnavailableError extends DramaGraphError {
  constructor(store: string) {
    super(`The ${store} store is unavailable right now; retry shortly.`, 'STORE_UNAVAILABLE', { store });
  }
}

/** Too many series' tropes are being worked out in this process (for `tropes` and `recommendations`); nothing was done for this one. */
export class TropesBusyError extends DramaGraphError {
  constructor() {
    super(
      'This replica is working out the most series’ tropes it may at once (for tropes and recommendations); retry shortly.',
      'TROPES_BUSY',
    );
  }
}

/** A series' story is larger than tropes are worked out from (for `tropes` and `recommendations`); nothing was. */
export class StoryTooLargeError extends DramaGraphError {
  constructor(limit: number) {
    super(
      `This series’ story holds more than ${limit} characters, relationships and events that tropes cite, more than this service works tropes out from.`,
      'STORY_TOO_LARGE',
      { limit },
    );
  }
}

/** A connection search would read more weight of events than one search may; nothing of it was answered. */
export class ConnectionTooLargeError extends DramaGraphError {
  constructor(limit: number) {
    super(
      `This connection search would look through plot events weighing more than ${limit} (an event weighs one plus one for each of its participants, and counts once for each character in it that the search reaches), over the bound for one search. Ask for fewer hops, or for ends in smaller stories.`,
      'CONNECTION_TOO_LARGE',
      { limit },
    );
  }
}

/** A connection search that left the line unstarted (its request was answered meanwhile). */
export class ConnectionsBusyError extends DramaGraphError {
  constructor() {
    super('This connection search was not started: its request was answered while it waited.', 'CONNECTIONS_BUSY');
  }
}

export class StoreTimeoutError extends DramaGraphError {
  constructor(store: string) {
    super(`The ${store} store took too long to answer this request; ask for less, or retry later.`, 'STORE_TIMEOUT', {
      store,
    });
  }
}

/** A write the store could not commit (its disk full, say): nothing of it was written; earlier writes are intact. */
export class StoreWriteFailedError extends DramaGraphError {
  constructor(store: string, reason: string) {
    super(
      `The ${store} store could not commit this write (${reason}); nothing of it was written. Earlier writes are intact; retry once the store has room.`,
      'STORE_WRITE_FAILED',
      { store },
    );
  }
}

/** No verified bearer token: none was sent where one is needed, or the one sent is not valid. */
export class UnauthenticatedError extends DramaGraphError {
  constructor(message: string) {
    super(message, 'UNAUTHENTICATED');
  }
}

/** A verified token that lacks the scope this needs. */
export class ForbiddenError extends DramaGraphError {
  constructor(tokenName: string, neededScopes: string[]) {
    super(`The token "${tokenName}" lacks the scope this needs: ${neededScopes.join(' or ')}.`, 'FORBIDDEN', {
      neededScopes,
    });
  }
}

export interface SeedIssue {
  file: string;
  record: string;
  field: string;
  message: string;
  /** The rule broken, one of RULE_NAMES (domain/rule-names.ts). */
  rule?: RuleName;
  /** Where in the document: field names and list indexes as strings, such as ["series", "0", "events", "3", "episode"]. */
  path?: string[];
}

/** Text from a seed file as a terminal line may show it: control characters (escape sequences, NUL, line breaks) escaped. */
const printable = (text: string): string =>
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are what it escapes
  text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

export class SeedValidationError extends DramaGraphError {
  readonly issues: SeedIssue[];
  constructor(issues: SeedIssue[]) {
    const lines = issues
      .slice(0, 20)
      .map((i) => printable(`${i.file}: ${i.record}: ${i.field}: ${i.message}${i.rule ? ` [${i.rule}]` : ''}`));
    if (issues.length > 20) lines.push(`and ${issues.length - 20} more`);
    super(`Invalid seed data:\n${lines.join('\n')}`, 'INVALID_SEED', { issues });
    this.issues = issues;
  }
}
