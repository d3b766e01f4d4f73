import type { DocumentNode } from 'graphql';
import { LRUCache } from 'lru-cache';
import type { CacheBounds } from '../config/settings.js';

export interface DocumentCaches {
  documentCache: LRUCache<string, DocumentNode>;
  errorCache: LRUCache<string, object>;
}

/**
 * Yoga's parse cache (documents, and parse errors) keyed by the document text, bounded in entries and in
 * characters. The validation results and graphql-jit's compiled code are kept in WeakMaps keyed by these
 * documents, so this bounds them too.
 */
export function createDocumentCaches({
  documents,
  documentChars,
}: Pick<CacheBounds, 'documents' | 'documentChars'>): DocumentCaches {
  const bounded = <T extends object>() =>
    new LRUCache<string, T>({
      max: Math.max(1, documents),
      maxSize: Math.max(1, documentChars),
      sizeCalculation: (_value, key) => Math.max(1, key.length),
    });
  return { documentCache: bounded<DocumentNode>(), errorCache: bounded<object>() };
}
