import type { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RedisAttemptCounter } from '../../src/adapters/redis/redis-attempt-counter.js';
import { RedisBestsellerBoard } from '../../src/adapters/redis/redis-bestseller-board.js';
import { RedisBookCache } from '../../src/adapters/redis/redis-book-cache.js';
import { createRedisConnection, type RedisConnection } from '../../src/adapters/redis/redis-client.js';
import { unlinkByPrefix } from '../../src/adapters/redis/redis-scan.js';
import { RedisStreamCheckpoints } from '../../src/adapters/redis/redis-stream-checkpoints.js';
import { seedStore } from '../../src/cli/seed/seed.js';
import { openStore } from '../../src/composition.js';
import { loadConfig } from '../../src/config.js';
import type { Book } from '../../src/domain/book.js';
import { attemptCounterConformance } from '../conformance/attempt-counter.js';
import { bestsellerBoardConformance } from '../conformance/bestseller-board.js';
import { bookCacheConformance } from '../conformance/book-cache.js';
import { streamCheckpointStoreConformance } from '../conformance/stream-checkpoint-store.js';
import { bookInput } from '../conformance/system-of-record.js';
import { freshEnginesEnv, removeEngineResources } from '../support/engine-resources.js';
import { startRedisCluster, type RedisClusterProcess } from '../support/redis-cluster.js';
import { eventually, rotatingPassword } from '../support/rotating-password.js';
import { uniqueName } from './endpoints.js';

// The same conformance suites as on one Redis server, over a real three-master Redis Cluster of this
// file's own (ports from BOOKSTORE_REDIS_CLUSTER_PORT, default 7101-7103), through the client the
// engines profile builds with BOOKSTORE_REDIS_MODE=cluster. A cluster refuses any command or script
// whose keys span hash slots (CROSSSLOT), which is what these suites would hit without the hash tags.
let cluster: RedisClusterProcess;
let connection: RedisConnection;
let client: Cluster;

let startup: unknown;

beforeAll(async () => {
  try {
    cluster = await startRedisCluster();
    connection = createRedisConnection({ url: `redis://127.0.0.1:${cluster.nodes[0]!.port}`, mode: 'cluster' });
    await connection.connect();
    client = connection.client as Cluster;
  } catch (error) {
    startup = error;
  }
});
// A cluster that cannot start fails every test with the reason (a failing beforeAll would only skip them).
beforeEach(() => {
  if (startup !== undefined) throw startup;
});

afterAll(async () => {
  connection?.disconnect();
  await cluster?.close();
});

attemptCounterConformance(async () => {
  const keyPrefix = uniqueName('test-attempts');
  return { counter: new RedisAttemptCounter({ client, keyPrefix }), close: () => unlinkByPrefix(client, `${keyPrefix}:`) };
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

bookCacheConformance(async () => {
  const keyPrefix = uniqueName('test-book-cache');
  return { cache: new RedisBookCache({ client, keyPrefix }), close: () => unlinkByPrefix(client, `${keyPrefix}:`) };
});

streamCheckpointStoreConformance(async () => {
  const prefix = uniqueName('checkpoints');
  return { store: new RedisStreamCheckpoints(client, prefix), close: () => unlinkByPrefix(client, `${prefix}:`) };
});

/** Every key under `prefix`, by the master that holds it. */
async function keysByMaster(prefix: string): Promise<string[][]> {
  return Promise.all(
    client.nodes('master').map(async (node: Redis) => {
      const keys: string[] = [];
      let cursor = '0';
      do {
        const [next, page] = await node.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
        keys.push(...page);
        cursor = next;
      } while (cursor !== '0');
      return keys;
    }),
  );
}

const slotOf = (key: string) => client.cluster('KEYSLOT', key);

describe('the Redis key layout on a cluster', () => {
  it('is a real cluster: every master refuses a script over keys of two slots', async () => {
    const prefix = uniqueName('crossslot');
    expect(await slotOf(`${prefix}:a`)).not.toBe(await slotOf(`${prefix}:b`));
    // Straight to the servers: the ioredis Cluster would refuse it itself before sending.
    for (const node of client.nodes('master')) {
      await expect(node.eval("return redis.call('GET', KEYS[2])", 2, `${prefix}:a`, `${prefix}:b`)).rejects.toThrow(/CROSSSLOT/);
    }
  });

  it("keeps a board's keys, every generation of them, and its checkpoint in one slot", async () => {
    const keyPrefix = uniqueName('layout-board');
    const board = new RedisBestsellerBoard({ client, keyPrefix });
    const now = Date.now();
    const sales = [
      { orderId: 'o1', at: now, lines: [{ bookId: 'b1', category: 'fiction', quantity: 2 }, { bookId: 'b2', category: 'poetry', quantity: 1 }] },
      { orderId: 'o2', at: now, lines: [{ bookId: 'b3', category: 'history', quantity: 4 }] },
    ];
    try {
      for (const sale of sales) await board.record(sale);
      await board.top({ window: '7d', limit: 5, now });
      await board.rebuild((write) => write(sales));
      expect(await board.top({ window: '1d', limit: 5, now })).toEqual([
        { bookId: 'b3', units: 4 },
        { bookId: 'b1', units: 2 },
        { bookId: 'b2', units: 1 },
      ]);
      const checkpoints = new RedisStreamCheckpoints(client, keyPrefix);
      await checkpoints.reset('bestsellers', {});

      const keys = (await keysByMaster(`${keyPrefix}:`)).flat();
      // pointer, counter, rev, order ids, all-time and hour sets of 4 scopes, a window, the checkpoint
      expect(keys.length).toBeGreaterThan(10);
      expect(keys).toContain(`${keyPrefix}:{${keyPrefix}:bestsellers}:checkpoint`);
      expect(new Set(await Promise.all(keys.map(slotOf))).size).toBe(1);
    } finally {
      await board.close();
      await unlinkByPrefix(client, `${keyPrefix}:`);
    }
  });

  it('spreads the book cache over the masters, one slot per book', async () => {
    const keyPrefix = uniqueName('layout-books');
    const cache = new RedisBookCache({ client, keyPrefix });
    const at = '2026-01-01T00:00:00.000Z';
    const books: Book[] = Array.from({ length: 30 }, (_, i) => ({ id: `01spread${String(i).padStart(18, '0')}`, ...bookInput(i), version: 1, createdAt: at, updatedAt: at }));
    try {
      await cache.put(books);
      await cache.forget([books[0]!.id]);
      const found = await cache.getMany(books.map((b) => b.id));
      expect(found.get(books[0]!.id)).toBeNull();
      expect(found.get(books[29]!.id)).toEqual(books[29]);
      const perMaster = (await keysByMaster(`${keyPrefix}:`)).map((keys) => keys.length);
      expect(perMaster.reduce((a, b) => a + b, 0)).toBe(30);
      expect(perMaster.every((count) => count > 0)).toBe(true);

      await cache.clear();
      expect((await keysByMaster(`${keyPrefix}:`)).flat()).toEqual([]);
    } finally {
      await unlinkByPrefix(client, `${keyPrefix}:`);
    }
  });

  it('deletes by prefix on every master and leaves other prefixes alone', async () => {
    const doomed = uniqueName('unlink');
    const kept = `${doomed}x`;
    await Promise.all(Array.from({ length: 60 }, (_, i) => client.set(`${doomed}:k${i}`, '1')));
    await client.set(`${kept}:k0`, '1');
    expect((await keysByMaster(`${doomed}:`)).filter((keys) => keys.length > 0).length).toBe(3);

    await unlinkByPrefix(client, `${doomed}:`);
    expect((await keysByMaster(`${doomed}:`)).flat()).toEqual([]);
    expect(await client.get(`${kept}:k0`)).toBe('1');
    await client.unlink(`${kept}:k0`);
  });
});

describe('a cluster connection with rotating credentials (ElastiCache IAM tokens)', () => {
  it('signs in to every master again after its connections drop, with a password made after the old one stopped working', async () => {
    // Each master keeps its own ACL, as each ElastiCache node checks the token itself.
    const masters = client.nodes('master');
    const rotating = rotatingPassword(masters, 'app-cluster');
    const secured = createRedisConnection({
      url: `redis://127.0.0.1:${cluster.nodes[0]!.port}`,
      mode: 'cluster',
      credentials: { username: 'app-cluster', password: () => rotating.password(), refreshMs: 3_600_000 },
    });
    secured.client.on('error', () => undefined);
    const prefix = uniqueName('rotating');
    const keys = Array.from({ length: 12 }, (_, i) => `${prefix}:k${i}`);
    try {
      await secured.connect();
      await Promise.all(keys.map((key) => secured.client.set(key, 'v')));
      expect((await keysByMaster(`${prefix}:`)).every((held) => held.length > 0)).toBe(true);

      await secured.refreshCredentials();
      const [first] = rotating.handedOut;
      for (const master of masters) {
        const probe = master.duplicate();
        await expect(probe.call('AUTH', 'app-cluster', first!)).rejects.toThrow(/WRONGPASS/);
        probe.disconnect();
        expect(await master.call('CLIENT', 'KILL', 'USER', 'app-cluster')).toBeGreaterThan(0);
      }

      expect(await eventually(() => Promise.all(keys.map((key) => secured.client.get(key))))).toEqual(keys.map(() => 'v'));
      const nodes = (secured.client as Cluster).nodes('all');
      expect(nodes.length).toBeGreaterThanOrEqual(3);
      for (const node of nodes) expect(node.options.password).not.toBe(first);
    } finally {
      secured.disconnect();
      for (const master of masters) await master.call('ACL', 'DELUSER', 'app-cluster');
      await unlinkByPrefix(client, `${prefix}:`);
    }
  });
});

describe('the engines profile with BOOKSTORE_REDIS_MODE=cluster', () => {
  it('projects the seeded orders into a board on the cluster and caches books there', async () => {
    const names = freshEnginesEnv();
    const env = {
      ...names,
      BOOKSTORE_REDIS_URL: `redis://127.0.0.1:${cluster.nodes[1]!.port}`,
      BOOKSTORE_REDIS_MODE: 'cluster',
      BOOKSTORE_SCRYPT_COST: '16384',
      BOOKSTORE_LOG_LEVEL: 'silent',
    };
    const store = await openStore(loadConfig({ ...process.env, ...env }));
    const keyPrefix = names.BOOKSTORE_REDIS_PREFIX;
    try {
      await seedStore(store, { books: 12, users: 4, orders: 10, seed: 11 });
      await store.projections.catchUp();

      const expected = new Map<string, number>();
      const snapshot = await store.snapshots.open();
      let someBook = '';
      try {
        for await (const order of snapshot.orders()) for (const line of order.lines) expected.set(line.bookId, (expected.get(line.bookId) ?? 0) + line.quantity);
        for await (const book of snapshot.books()) someBook ||= book.id;
      } finally {
        await snapshot.close();
      }
      expect(expected.size).toBeGreaterThan(0);
      const board = await store.bestsellers.top({ window: 'all', limit: 1000, now: Date.now() });
      expect(new Map(board.map((entry) => [entry.bookId, entry.units]))).toEqual(expected);

      const read = await store.catalog.get(someBook);
      expect((await store.bookCache!.getMany([someBook])).get(someBook)).toEqual(read);
      expect(await client.exists(`${keyPrefix}:{${keyPrefix}:bestsellers}:checkpoint`)).toBe(1);
    } finally {
      await store.close();
      await unlinkByPrefix(client, `${keyPrefix}:`);
      // Everything else the store made lives on the shared engines.
      await removeEngineResources(names);
    }
    // Seeding goes through the shared DynamoDB Local, which a busy machine slows down a lot.
  }, 180_000);
});
