import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { postQuery, startServerProcess, stopServerProcess } from '../support/server-process.js';

const CONFESSIONS = '{ events(filter: { series: "soundtrack-1", kinds: [CONFESSION] }) { totalCount } }';

describe('npm start with nothing configured', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'drama-graph-start-'));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('serves the seeded graph from the embedded store, and keeps it across a kill -9', async () => {
    const env = { DATA_DIR: dataDir, NEO4J_URI: '' };
    const first = await startServerProcess(env);
    expect(first.logs.join('\n')).toContain('empty store seeded');
    // The recommendation profiles are built in the background as it starts (WARM_RECOMMENDATIONS defaults to true).
    await vi.waitFor(() => expect(first.logs.join('\n')).toContain('recommendation profiles built'), {
      timeout: 20_000,
    });
    expect(await postQuery(first.url, CONFESSIONS)).toEqual({ data: { events: { totalCount: 4 } } });
    await stopServerProcess(first, 'SIGKILL');

    const second = await startServerProcess(env);
    expect(second.logs.join('\n')).not.toContain('empty store seeded');
    expect(await postQuery(second.url, CONFESSIONS)).toEqual({ data: { events: { totalCount: 4 } } });
    expect(await stopServerProcess(second)).toBe(0);
  });
});
