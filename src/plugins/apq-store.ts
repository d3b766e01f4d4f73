import { LRUCache } from 'lru-cache';

/**
 * Where automatic persisted queries live once registered, by the sha256 (hex) of their text: in this
 * process, or in Redis when REDIS_URL is set (src/redis/apq-store.ts).
 */
export interface ApqStore {
  get(hash: string): Promise<string | undefined>;
  set(hash: string, document: string): Promise<void>;
  /** Entries held now (the `apq` series of `cache_entries`). */
  size(): number;
}

export interface ApqBounds {
  /** Documents kept at most; past it the least recently used goes first. */
  entries: number;
  /** The kept documents' text, in characters, at most; a longer document is not kept. */
  chars: number;
  /** With Redis: how long a registered document is kept after its last registration. */
  ttlSeconds?: number;
}

/** An LRU in this process, bounded in entries and in characters. */
export function createMemoryApqStore({ entries, chars }: ApqBounds): ApqStore {
  const cache = new LRUCache<string, string>({
    max: Math.max(1, entries),
    maxSize: Math.max(1, chars),
    sizeCalculation: (document) => Math.max(1, document.length),
  });
  return {
    get: async (hash) => cache.get(hash),
    set: async (hash, document) => {
      cache.set(hash, document);
    },
    size: () => cache.size,
  };
}
