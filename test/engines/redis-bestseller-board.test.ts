import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { RedisBestsellerBoard } from '../../src/adapters/redis/redis-bestseller-board.js';
import { bestsellerBoardConformance } from '../conformance/bestseller-board.js';
import { endpoints, uniqueName } from './endpoints.js';

let client: Redis;

beforeAll(() => {
  client = new Redis(endpoints.redis, { maxRetriesPerRequest: 1 });
});

afterAll(async () => {
  await client.quit();
});

/** Deletes every key under the prefix, so a run leaves nothing behind in the shared Redis. */
async function deleteUnder(prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    if (keys.length > 0) await client.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
}

bestsellerBoardConformance(async () => {
  const keyPrefix = uniqueName('test-bestsellers');
  const board = new RedisBestsellerBoard({ client, keyPrefix });
  return {
    board,
    async close() {
      await board.close();
      await deleteUnder(keyPrefix);
    },
  };
});
