import { describe, type SuiteOptions } from 'vitest';
import type { StoreKind } from '../../src/store/port.js';

/**
 * Whether this run takes `kind`'s tests. `npm test` (scripts/test.mjs) runs the suite in two lines side by side, one
 * per store, and TEST_STORES names the line's store (vitest.config.ts); `npx vitest run` names none and takes both.
 */
export function inThisLine(kind: StoreKind): boolean {
  const only = process.env.TEST_STORES?.split(',');
  return only === undefined || only.includes(kind);
}

/** `describe`, in the line of `kind` only: a file that imports this runs in both lines, each test in one of them. */
export function describeInLine(
  kind: StoreKind,
  title: string,
  ...rest: [body: () => void] | [options: SuiteOptions, body: () => void]
): void {
  if (!inThisLine(kind)) return;
  if (rest.length === 1) describe(title, rest[0]);
  else describe(title, rest[0], rest[1]);
}
