import { readFileSync } from 'node:fs';
import { getHeapStatistics } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { SERVICE_NODE_OPTIONS, withServiceNodeOptions } from '../../scripts/node-options.mjs';
import { createMetrics } from '../../src/metrics.js';
import type { DramaStore } from '../../src/store/port.js';

const ROOT = new URL('../..', import.meta.url).pathname;

describe("the service's V8 settings are set once and carried everywhere it starts", () => {
  it('sets a young generation and an old-space cap, each once', () => {
    expect(SERVICE_NODE_OPTIONS.split(' ').sort()).toEqual(['--max-old-space-size=512', '--max-semi-space-size=64']);
  });

  it("`npm start` puts them before the operator's NODE_OPTIONS, so the operator's win", () => {
    const { scripts } = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { scripts: Record<string, string> };
    expect(scripts.start).toBe(
      `NODE_OPTIONS="${SERVICE_NODE_OPTIONS} $NODE_OPTIONS" exec node --enable-source-maps dist/src/server.js`,
    );
  });

  it('the Docker image sets them as its NODE_OPTIONS, which `docker run -e NODE_OPTIONS=…` replaces', () => {
    const lines = readFileSync(`${ROOT}Dockerfile`, 'utf8').split('\n');
    const env = lines.filter((line) => line.startsWith('ENV NODE_OPTIONS='));
    expect(env).toEqual([`ENV NODE_OPTIONS="${SERVICE_NODE_OPTIONS}"`]);
    expect(lines.indexOf(env[0]!)).toBeLessThan(lines.findIndex((line) => line.startsWith('CMD ')));
  });

  it("puts them first and keeps the operator's after them, whatever the operator gave", () => {
    expect(withServiceNodeOptions({}).NODE_OPTIONS).toBe(SERVICE_NODE_OPTIONS);
    for (const blank of ['', ' ', '\t\n'])
      expect(withServiceNodeOptions({ NODE_OPTIONS: blank }).NODE_OPTIONS).toBe(SERVICE_NODE_OPTIONS);
    const own = '--max-old-space-size=1024 --title=ドラマ';
    expect(withServiceNodeOptions({ NODE_OPTIONS: ` ${own} `, PORT: '1' })).toEqual({
      NODE_OPTIONS: `${SERVICE_NODE_OPTIONS} ${own}`,
      PORT: '1',
    });
    const env = { NODE_OPTIONS: '--inspect', __proto__: null } as unknown as Record<string, string>;
    expect(withServiceNodeOptions(env).NODE_OPTIONS).toBe(`${SERVICE_NODE_OPTIONS} --inspect`);
    expect(env.NODE_OPTIONS).toBe('--inspect');
  });
});

describe('/metrics shows the heap limit in force', () => {
  const store = { roundTrips: 0 } as DramaStore;
  for (const [title, options] of [
    ['alone', {}],
    ['with Redis health and webhooks beside it', { redis: { up: () => true, outages: () => 0 }, webhooks: () => [] }],
  ] as const) {
    it(`reports V8's heap_size_limit once, ${title}`, async () => {
      const text = await createMetrics(store, options).registry.metrics();
      const values = [...text.matchAll(/^nodejs_heap_size_limit_bytes (\d+)$/gm)].map((match) => Number(match[1]));
      expect(values).toEqual([getHeapStatistics().heap_size_limit]);
    });
  }
});
