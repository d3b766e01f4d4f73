import type { OpenedStore } from '../store/open.js';

const MAPPED_MB_VARIABLE = 'IMPORT_EXPORT_MAPPED_MB';
export const DEFAULT_MAPPED_MB = 32;
const MAX_MAPPED_MB = 1_048_576;

/** The setting is not a whole number of MB in range. */
export class MappedLimitError extends Error {
  override readonly name = 'MappedLimitError';
}

/** IMPORT_EXPORT_MAPPED_MB in MB: unset or blank gives the default; anything but a whole number from 1 to 1,048,576 throws. */
export function mappedLimitMb(env: NodeJS.ProcessEnv): number {
  const text = env[MAPPED_MB_VARIABLE]?.trim() ?? '';
  if (text === '') return DEFAULT_MAPPED_MB;
  const mb = /^\d{1,7}$/.test(text) ? Number(text) : Number.NaN;
  if (!(mb >= 1 && mb <= MAX_MAPPED_MB))
    throw new MappedLimitError(
      `${MAPPED_MB_VARIABLE} must be a whole number of MB from 1 to ${MAX_MAPPED_MB} (default ${DEFAULT_MAPPED_MB}), got ${JSON.stringify(env[MAPPED_MB_VARIABLE]!.slice(0, 40))}`,
    );
  return mb;
}

export interface MappingBound {
  /** Between batches, when nothing reads or writes: releases the mapping once it is over the bound. */
  afterBatch(): Promise<void>;
  /** How many times it released it. */
  readonly releases: number;
}

/**
 * Keeps the pages of data.mdb an embedded store's process has mapped (they count in its RSS) under `limitMb`,
 * checked after each batch: over it, the store closes lmdb and opens it again. Does nothing on a store
 * without a mapping (Neo4j) or where the mapped size cannot be read (not Linux).
 */
export function boundMapping(store: OpenedStore, limitMb: number): MappingBound {
  let releases = 0;
  return {
    async afterBatch() {
      const mapped = store.mappedBytes?.() ?? null;
      if (mapped === null || mapped <= limitMb * 1024 * 1024 || store.releaseMapping === undefined) return;
      await store.releaseMapping();
      releases++;
    },
    get releases() {
      return releases;
    },
  };
}

/** The summary line the commands print on the embedded store. */
export const mappingLine = (releases: number, limitMb: number): string =>
  `reopened the data directory ${releases} time${releases === 1 ? '' : 's'} to unmap data.mdb's pages (${MAPPED_MB_VARIABLE}=${limitMb})`;

/** IMPORT_EXPORT_MAPPED_MB as a command reads it: a bad value ends the command with exit code 2, before the store is opened. */
export function mappedLimitOrExit(env: NodeJS.ProcessEnv): number {
  try {
    return mappedLimitMb(env);
  } catch (error) {
    if (!(error instanceof MappedLimitError)) throw error;
    console.error(error.message);
    process.exit(2);
  }
}
