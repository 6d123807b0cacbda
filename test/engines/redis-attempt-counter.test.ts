import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisAttemptCounter } from '../../src/adapters/redis/redis-attempt-counter.js';
import { unlinkByPrefix } from '../../src/adapters/redis/redis-scan.js';
import { UnavailableError } from '../../src/domain/errors.js';
import { attemptCounterConformance } from '../conformance/attempt-counter.js';
import { endpoints, uniqueName } from './endpoints.js';

let redis: Redis;
beforeAll(() => {
  redis = new Redis(endpoints.redis, { maxRetriesPerRequest: 1 });
});
afterAll(async () => {
  await redis.quit();
});

attemptCounterConformance(async () => {
  const keyPrefix = uniqueName('test-attempts');
  return { counter: new RedisAttemptCounter({ client: redis, keyPrefix }), close: () => unlinkByPrefix(redis, `${keyPrefix}:`) };
});

describe('RedisAttemptCounter', () => {
  it('shares one window between two connections, as two processes would', async () => {
    const keyPrefix = uniqueName('test-attempts');
    const other = new Redis(endpoints.redis, { maxRetriesPerRequest: 1 });
    try {
      const a = new RedisAttemptCounter({ client: redis, keyPrefix });
      const b = new RedisAttemptCounter({ client: other, keyPrefix });
      await a.hit('shared', 60_000);
      expect((await b.hit('shared', 60_000)).count).toBe(2);
      // Every counter key expires with its window.
      const keys = await redis.keys(`${keyPrefix}:*`);
      expect(keys).toEqual([`${keyPrefix}:{${keyPrefix}:attempts:shared}`]);
      expect(await redis.pttl(keys[0]!)).toBeGreaterThan(0);
    } finally {
      other.disconnect();
      await unlinkByPrefix(redis, `${keyPrefix}:`);
    }
  });

  it('answers UnavailableError, not a count, when Redis is out of reach', async () => {
    const dead = new Redis('redis://127.0.0.1:1', { maxRetriesPerRequest: 0, lazyConnect: true, enableOfflineQueue: false, retryStrategy: () => null });
    try {
      await expect(new RedisAttemptCounter({ client: dead, keyPrefix: 'unreachable' }).hit('x', 60_000)).rejects.toBeInstanceOf(UnavailableError);
    } finally {
      dead.disconnect();
    }
  });
});
