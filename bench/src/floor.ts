import type { BenchKeys } from './keys.js';

/** The same answers as operations 1–3, without GraphQL: shaped like the GraphQL `data`. */
export interface Floor {
  confessions(keys: BenchKeys): Promise<unknown>;
  seriesPage(keys: BenchKeys): Promise<unknown>;
  standing(keys: BenchKeys): Promise<unknown>;
  close(): Promise<void>;
}

export const FLOOR_OPS = ['confessions', 'seriesPage', 'standing'] as const;
