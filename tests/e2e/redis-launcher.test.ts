import { spawnSync } from 'node:child_process';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { type RedisHandle, startRedis } from '../../scripts/redis.mjs';
import { redisUrl } from '../support/redis.js';

describe('Redis launcher', () => {
  const handles: RedisHandle[] = [];
  afterAll(async () => {
    for (const h of handles) await h.stop();
  });

  it('gives the suite a Redis that answers', async () => {
    const client = new Redis(redisUrl(), { lazyConnect: true });
    await client.connect();
    expect(await client.ping()).toBe('PONG');
    client.disconnect();
  });

  it('stops and starts a throwaway server on the same port, losing its contents', async () => {
    const server = await startRedis();
    handles.push(server);
    const client = new Redis(server.url, { maxRetriesPerRequest: 1, retryStrategy: () => 50 });
    client.on('error', () => {});
    await client.set('k', 'v');
    await server.stopServer();
    expect(server.pid).toBeNull();
    await expect(client.get('k')).rejects.toThrow();
    await server.startServer();
    await expect.poll(async () => client.ping().catch(() => 'down'), { timeout: 20_000, interval: 100 }).toBe('PONG');
    expect(await client.get('k')).toBeNull();
    client.disconnect();
  });

  it.each([
    ['redis.mjs', ['start', '--port', 'abc']],
    ['redis.mjs', ['start', '--port', '70000']],
    ['redis.mjs', ['start', '--prot', '1']],
    ['redis.mjs', []],
    ['neo4j.mjs', ['start', '--port', '1e3']],
    ['neo4j.mjs', ['launch']],
  ])('refuses a bad command line (%s %j) with the usage and exit code 2, starting nothing', (script, args) => {
    const run = spawnSync(process.execPath, [`scripts/${script}`, ...args], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/\nusage: node scripts\//);
    expect(run.stdout).toBe('');
  });
});
