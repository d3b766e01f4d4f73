import type { DocumentNode } from 'graphql';
import { LRUCache } from 'lru-cache';
import type { CacheBounds } from '../config/settings.js';

export interface DocumentCaches {
  documentCache: LRUCache<string, DocumentNode>;
  errorCache: LRUCache<string, object>;
}

const tokensOf = new WeakMap<DocumentNode, number>();

/**
 * The lexical tokens a parsed document holds (its AST keeps every one, with its location). A document's heap
 * grows with them, not with its characters: with its validation, about 450 bytes a token (a series page of
 * 2,700 characters and 560 tokens took 250 KB).
 */
export function documentTokens(document: DocumentNode): number {
  let count = tokensOf.get(document);
  if (count === undefined) {
    count = 0;
    for (let token = document.loc?.startToken ?? null; token !== null; token = token.next) count += 1;
    tokensOf.set(document, count);
  }
  return Math.max(1, count);
}

/**
 * Yoga's parse cache (documents, and parse errors) keyed by the document text. Documents are bounded in entries,
 * characters and tokens; parse errors in entries and characters. The validation results are kept in WeakMaps
 * keyed by these documents, so this bounds them too.
 */
export function createDocumentCaches({
  documents,
  documentChars,
  documentTokens: maxTokens,
}: Pick<CacheBounds, 'documents' | 'documentChars' | 'documentTokens'>): DocumentCaches {
  const bounded = <T extends object>(size: (value: T, key: string) => number, maxSize: number) =>
    new LRUCache<string, T>({ max: Math.max(1, documents), maxSize: Math.max(1, maxSize), sizeCalculation: size });
  const chars = (_value: object, key: string) => Math.max(1, key.length);
  return {
    documentCache: bounded<DocumentNode>(
      // Whichever bound is the tighter for this document, in units of the character bound.
      (document, key) =>
        Math.max(chars(document, key), Math.ceil((documentTokens(document) * documentChars) / Math.max(1, maxTokens))),
      documentChars,
    ),
    errorCache: bounded<object>(chars, documentChars),
  };
}
