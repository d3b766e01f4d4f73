import { inject } from 'vitest';

/** The suite's Redis URL; throws (never skips) when the global setup could not start one. */
export function redisUrl(): string {
  const url = inject('redis');
  if (!url) throw new Error("No Redis for this test: install Debian's redis-server or set REDIS_TEST_URL");
  return url;
}
