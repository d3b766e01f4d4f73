import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import type { ChangeLogOptions } from '../../src/domain/change-log.js';
import { openEmbeddedStore } from '../../src/store/embedded/index.js';
import { openNeo4jStore } from '../../src/store/neo4j/index.js';
import type { DramaStore, StoreKind } from '../../src/store/port.js';
import type { DramaYoga } from '../../src/yoga.js';
import { graphql } from './graphql.js';

export interface FeedStore {
  kind: StoreKind;
  available: boolean;
  open(changeLog: ChangeLogOptions): Promise<{ store: DramaStore; dispose(): Promise<void> }>;
}

/** Both stores, empty, with the given change-log retention and clock. */
export function feedStores(): FeedStore[] {
  const neo4j = inject('neo4j');
  return [
    {
      kind: 'embedded',
      available: true,
      async open(changeLog) {
        const dataDir = await mkdtemp(path.join(tmpdir(), 'drama-graph-feed-'));
        const store = await openEmbeddedStore({ dataDir, changeLog });
        return {
          store,
          async dispose() {
            await store.close();
            await rm(dataDir, { recursive: true, force: true });
          },
        };
      },
    },
    {
      kind: 'neo4j',
      available: neo4j !== null,
      async open(changeLog) {
        if (neo4j === null) throw new Error('Neo4j is not available');
        const store = await openNeo4jStore({
          ...neo4j,
          transactionTimeoutMs: 120_000,
          connectionTimeoutMs: 30_000,
          changeLog,
        });
        await store.migrate();
        await store.deleteEverything();
        return { store, dispose: () => store.close() };
      },
    },
  ];
}

export interface ChangeNode {
  cursor: string;
  operation: string;
  type: string;
  key: string;
  id: string | null;
  series: string | null;
  actor: string | null;
  at: string;
}

const CHANGE_FIELDS = 'cursor operation type key id series actor at';

/** One page of `changes`, as the given headers' viewer sees it. */
export async function changesPage(
  yoga: DramaYoga,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
) {
  const response = await graphql<{
    changes: {
      edges: { cursor: string; node: ChangeNode }[];
      pageInfo: { endCursor: string | null; hasNextPage: boolean };
    };
  }>(
    yoga,
    `query($after: String, $series: String, $types: [ChangeType!], $first: Int) {
      changes(after: $after, series: $series, types: $types, first: $first) {
        edges { cursor node { ${CHANGE_FIELDS} } } pageInfo { endCursor hasNextPage }
      }
    }`,
    variables,
    headers,
  );
  return response;
}

/** Every change after `after` the viewer sees, page by page. */
export async function allChanges(
  yoga: DramaYoga,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<{ changes: ChangeNode[]; endCursor: string | null }> {
  const changes: ChangeNode[] = [];
  let after = (variables.after as string | undefined) ?? null;
  for (let pages = 0; pages < 1000; pages++) {
    const response = await changesPage(yoga, { ...variables, after, first: 100 }, headers);
    if (response.errors) throw new Error(JSON.stringify(response.errors));
    const connection = response.data!.changes;
    changes.push(...connection.edges.map((e) => e.node));
    after = connection.pageInfo.endCursor ?? after;
    if (!connection.pageInfo.hasNextPage) break;
  }
  return { changes, endCursor: after };
}

/** Reads server-sent events from a streaming response until `enough` says so (or the stream ends). */
export async function readEvents(
  response: Response,
  enough: (events: { id: string | null; data: Record<string, any> }[]) => boolean,
): Promise<{ id: string | null; data: Record<string, any> }[]> {
  const events: { id: string | null; data: Record<string, any> }[] = [];
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    while (!enough(events)) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        end = buffer.indexOf('\n\n');
        const lines = block.split('\n');
        const data = lines.find((l) => l.startsWith('data: '));
        if (!lines.includes('event: next') || data === undefined) continue;
        const id = lines.find((l) => l.startsWith('id: '))?.slice(4) ?? null;
        events.push({ id, data: JSON.parse(data.slice(6)) });
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return events;
}
