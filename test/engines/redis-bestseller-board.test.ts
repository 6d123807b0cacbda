import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { RedisBestsellerBoard } from '../../src/adapters/redis/redis-bestseller-board.js';
import { unlinkByPrefix } from '../../src/adapters/redis/redis-scan.js';
import { bestsellerBoardConformance } from '../conformance/bestseller-board.js';
import { endpoints, uniqueName } from './endpoints.js';

let client: Redis;

beforeAll(() => {
  client = new Redis(endpoints.redis, { maxRetriesPerRequest: 1 });
});

afterAll(async () => {
  await client.quit();
});

bestsellerBoardConformance(async () => {
  const keyPrefix = uniqueName('test-bestsellers');
  const board = new RedisBestsellerBoard({ client, keyPrefix });
  return {
    board,
    async close() {
      await board.close();
      await unlinkByPrefix(client, `${keyPrefix}:`);
    },
  };
});
