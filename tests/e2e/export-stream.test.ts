import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../../src/auth/create-token.js';
import { openEmbeddedStore } from '../../src/store/embedded/index.js';
import { importBigSeries } from '../support/big-series.js';
import { postQuery, type RunningServer, startServerProcess, stopServerProcess } from '../support/server-process.js';

const SERIES = 'big-stream';
/** About 15 MB as exported: far more than the socket buffers between server and client hold. */
const EPISODES = 4;
const PER_EPISODE = 5000;
const writer = createToken('writer', ['write:story']);

const REWRITE = `mutation Rewrite($input: UpsertPlotEventInput!) { upsertPlotEvent(input: $input) { __typename } }`;

/** Starts an export and reads `bytes` of it, then leaves the rest unread until `rest` is called. */
function startExport(url: string, bytes: number) {
  return new Promise<{ status: number; rest: () => Promise<string> }>((resolve, reject) => {
    const req = request(new URL(`/export/series/${SERIES}`, url), (res) => {
      let read = 0;
      const onData = (chunk: Buffer) => {
        read += chunk.length;
        if (read < bytes) return;
        res.pause();
        res.off('data', onData);
        resolve({
          status: res.statusCode ?? 0,
          rest: () =>
            new Promise((done) => {
              res.on('data', () => undefined);
              res.once('end', () => done(res.complete ? 'complete' : 'cut off'));
              res.once('aborted', () => done('cut off'));
              res.once('error', () => done('cut off'));
              res.resume();
            }),
        });
      };
      res.on('data', onData);
    });
    req.once('error', reject);
    req.end();
  });
}

describe('GET /export/series/{slug} over HTTP', () => {
  let dataDir: string;
  let server: RunningServer;
  const env = () => ({
    DATA_DIR: dataDir,
    NEO4J_URI: '',
    SEED_ON_START: 'false',
    DRAMA_TOKENS: JSON.stringify([writer.entry]),
  });
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'drama-export-stream-'));
    const store = await openEmbeddedStore({ dataDir });
    await importBigSeries(store, SERIES, EPISODES, PER_EPISODE);
    await store.close();
    server = await startServerProcess(env());
  }, 120_000);
  afterAll(async () => {
    if (server) await stopServerProcess(server);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('cuts off a client that stops reading for EXPORT_IDLE_TIMEOUT_MS, which frees its place for the next', async () => {
    await stopServerProcess(server);
    server = await startServerProcess({ ...env(), EXPORTS_MAX: '1', EXPORT_IDLE_TIMEOUT_MS: '300' });
    const stalled = await startExport(server.url, 64 * 1024);
    expect(stalled.status).toBe(200);
    let next: Response;
    for (;;) {
      next = await fetch(new URL(`/export/series/${SERIES}`, server.url));
      if (next.status === 200) break;
      expect(next.status).toBe(503);
      await next.text();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(JSON.parse(await next.text()).series[0].events).toHaveLength(EPISODES * PER_EPISODE);
    expect(await stalled.rest()).toBe('cut off');
    await stopServerProcess(server);
    server = await startServerProcess(env());
  }, 120_000);

  it('closes the connection of an export whose series is written meanwhile, and the service goes on', async () => {
    const started = await startExport(server.url, 64 * 1024);
    expect(started.status).toBe(200);
    const rewritten = await postQuery(
      server.url,
      REWRITE,
      {
        input: {
          series: SERIES,
          slug: `e-${EPISODES}-${PER_EPISODE}`,
          episode: EPISODES,
          sequence: PER_EPISODE,
          kind: 'CONFESSION',
          summary: 'Rewritten while it streamed.',
          source: { document: 'A made-up recap', paragraph: 2 },
        },
      },
      { authorization: `Bearer ${writer.token}` },
    );
    expect(rewritten.data?.upsertPlotEvent?.__typename).toBe('UpsertPlotEventSuccess');
    expect(await started.rest()).toBe('cut off');

    expect((await fetch(new URL('/health', server.url))).status).toBe(200);
    const again = await fetch(new URL(`/export/series/${SERIES}`, server.url));
    expect(again.status).toBe(200);
    const text = await again.text();
    expect(text).toContain('Rewritten while it streamed.');
    expect(JSON.parse(text).series[0].events).toHaveLength(EPISODES * PER_EPISODE);
    expect(server.child.exitCode).toBeNull();
  }, 120_000);
});
