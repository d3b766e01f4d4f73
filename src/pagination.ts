import { decodeBase64, encodeBase64 } from '@pothos/core';
import { z } from 'zod';
import { InvalidCursorError } from './errors.js';
import type { Page } from './store/port.js';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;
/** Longer than any cursor a list issues (its keys are slugs of at most 120 characters). */
const MAX_CURSOR_LENGTH = 1_000;

export const pageSizeSchema = z
  .number()
  .int()
  .min(0, 'first must be 0 or more')
  .max(MAX_PAGE_SIZE, `first must be at most ${MAX_PAGE_SIZE}`);

export function encodeCursor(kind: string, position: unknown): string {
  return encodeBase64(`${kind}:${JSON.stringify(position)}`);
}

/** Decodes a cursor issued by encodeCursor for the same kind of list, or throws INVALID_CURSOR. */
export function decodeCursor<T>(kind: string, cursor: string, schema: z.ZodType<T>): T {
  try {
    if (cursor.length > MAX_CURSOR_LENGTH) throw new Error('longer than any cursor issued');
    const text = decodeBase64(cursor);
    if (!text.startsWith(`${kind}:`) || encodeBase64(text) !== cursor) throw new Error('foreign cursor');
    return schema.parse(JSON.parse(text.slice(kind.length + 1)));
  } catch {
    throw new InvalidCursorError(cursor);
  }
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount: number;
}

export function toConnection<T>(page: Page<T>, cursorOf: (item: T) => string, afterGiven: boolean): Connection<T> {
  const edges = page.items.map((node) => ({ cursor: cursorOf(node), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: afterGiven,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount: page.totalCount,
  };
}
