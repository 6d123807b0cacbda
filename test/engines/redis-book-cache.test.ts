import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Redis } from 'ioredis';
import { TestPayments } from '../../src/adapters/payments/test-payments.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DynamoCarts } from '../../src/adapters/dynamodb/dynamodb-carts.js';
import { DynamoCatalog } from '../../src/adapters/dynamodb/dynamodb-catalog.js';
import { DynamoOrders } from '../../src/adapters/dynamodb/dynamodb-orders.js';
import { createSystemOfRecordTables, deleteSystemOfRecordTables, documentClient } from '../../src/adapters/dynamodb/dynamodb-tables.js';
import { NoopMetrics } from '../../src/adapters/noop-metrics.js';
import { ReadThroughCatalog } from '../../src/adapters/read-through-catalog.js';
import { RedisBookCache } from '../../src/adapters/redis/redis-book-cache.js';
import { unlinkByPrefix } from '../../src/adapters/redis/redis-scan.js';
import { checkoutUseCases } from '../../src/app/checkout.js';
import type { Book } from '../../src/domain/book.js';
import type { Change } from '../../src/domain/change-event.js';
import { BookCacheProjection } from '../../src/projections/book-cache-projection.js';
import { bookCacheConformance } from '../conformance/book-cache.js';
import { catalogConformance } from '../conformance/catalog.js';
import { bookInput } from '../conformance/system-of-record.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { endpoints, uniqueName } from './endpoints.js';

const low = new DynamoDBClient({ endpoint: endpoints.dynamodb, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
const documents = documentClient(low);
let redis: Redis;

beforeAll(() => {
  redis = new Redis(endpoints.redis, { maxRetriesPerRequest: 1 });
});
afterAll(async () => {
  await redis.quit();
  low.destroy();
});

bookCacheConformance(async () => {
  const keyPrefix = uniqueName('test-book-cache');
  return { cache: new RedisBookCache({ client: redis, keyPrefix }), close: () => unlinkByPrefix(redis, `${keyPrefix}:`) };
});

// The engines profile's catalog is the DynamoDB catalog behind the cache: it must keep every promise
// of the port, reads after writes included.
catalogConformance(async () => {
  const tableName = uniqueName('cached-catalog');
  const keyPrefix = uniqueName('test-cached-catalog');
  await createSystemOfRecordTables(low, tableName);
  const catalog = new ReadThroughCatalog({
    catalog: new DynamoCatalog({ client: documents, tableName }),
    cache: new RedisBookCache({ client: redis, keyPrefix }),
    onCacheError: (error) => {
      throw error;
    },
  });
  return {
    catalog,
    async close() {
      await deleteSystemOfRecordTables(low, tableName);
      await unlinkByPrefix(redis, `${keyPrefix}:`);
    },
  };
});

function bookChange(op: Change['op'], before: Book | null, after: Book | null): Change {
  return { entity: 'book', key: (after ?? before)!.id, op, oldImage: before, newImage: after, at: Date.now() };
}

describe('the catalog behind a Redis book cache', () => {
  let tableName: string;
  let keyPrefix: string;
  let proxy: TcpProxy;
  let client: Redis;
  let clock = 0;
  const errors: string[] = [];

  const setUp = async () => {
    errors.length = 0;
    tableName = uniqueName('read-through');
    keyPrefix = uniqueName('test-read-through');
    await createSystemOfRecordTables(low, tableName);
    const target = new URL(endpoints.redis);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port) });
    // As the engines profile configures it: a Redis that is gone fails each command at once.
    client = new Redis({ host: '127.0.0.1', port: proxy.port, maxRetriesPerRequest: 1, enableOfflineQueue: false, commandTimeout: 2_000 });
    client.on('error', () => undefined);
    await new Promise((resolve) => client.once('ready', resolve));
    const inner = new DynamoCatalog({ client: documents, tableName });
    const cache = new RedisBookCache({ client, keyPrefix });
    const catalog = new ReadThroughCatalog({ catalog: inner, cache, onCacheError: (_e, operation) => errors.push(operation), pauseAfterErrorMs: 1_000, now: () => clock });
    return { inner, cache, catalog };
  };
  afterEach(async () => {
    client.disconnect();
    await proxy.close();
    await deleteSystemOfRecordTables(low, tableName);
    await unlinkByPrefix(redis, `${keyPrefix}:`);
  });

  it('answers from the cache, and the change feed repairs an entry the write path missed', async () => {
    const { inner, cache, catalog } = await setUp();
    const created = await catalog.create(bookInput(1));
    expect((await cache.getMany([created.id])).get(created.id)).toEqual(created);

    // A write that reached DynamoDB but not the cache (the writer crashed right after its commit).
    const repriced = await inner.update(created.id, { price: 4242 });
    expect(await catalog.get(created.id)).toEqual(created);
    expect((await catalog.getMany([created.id])).get(created.id)).toEqual(created);
    // What an order charges is read from the system of record itself.
    expect((await catalog.getMany([created.id], { fresh: true })).get(created.id)).toEqual(repriced);

    const projection = new BookCacheProjection(cache);
    await projection.apply([bookChange('modify', created, repriced)]);
    expect(await catalog.get(created.id)).toEqual(repriced);
    // Redelivered, and out of order: the older image is ignored.
    await projection.apply([bookChange('insert', null, created), bookChange('modify', created, repriced)]);
    await projection.apply([bookChange('insert', null, created)]);
    expect(await catalog.get(created.id)).toEqual(repriced);

    await inner.delete(created.id);
    await projection.apply([bookChange('remove', repriced, null)]);
    await projection.apply([bookChange('modify', created, repriced)]);
    expect(await catalog.get(created.id)).toBeNull();
    expect((await catalog.getMany([created.id])).size).toBe(0);
    expect(errors).toEqual([]);
  });

  it('reads stock from DynamoDB, never from the cache: a sale moves it outside this catalog', async () => {
    const { inner, cache, catalog } = await setUp();
    const created = await catalog.create(bookInput(1, { stock: 5 }));
    // As a sale does: the stock moves in DynamoDB, and the cache keeps its copy until the change feed delivers.
    await inner.update(created.id, { stock: 2 });
    expect((await cache.getMany([created.id])).get(created.id)?.stock).toBe(5);
    expect(await catalog.stockOf([created.id])).toEqual(new Map([[created.id, 2]]));
    expect(errors).toEqual([]);
  });

  it('keeps reading and writing the catalog while Redis is unreachable, and uses it again once it is back', async () => {
    const { cache, catalog } = await setUp();
    const first = await catalog.create(bookInput(1));
    await proxy.down();

    const second = await catalog.create(bookInput(2));
    const repriced = await catalog.update(first.id, { price: 777 });
    expect(await catalog.get(first.id)).toEqual(repriced);
    expect([...(await catalog.getMany([first.id, second.id])).values()]).toEqual([repriced, second]);
    // The first failure pauses the cache, so the later calls did not wait on it.
    expect(errors).toEqual(['put']);

    await proxy.up();
    clock += 1_000;
    for (let i = 0; i < 100 && client.status !== 'ready'; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    // The cache still holds the copy from before the outage until the change feed delivers the update.
    expect((await cache.getMany([first.id])).get(first.id)).toEqual(first);
    await new BookCacheProjection(cache).apply([bookChange('modify', first, repriced)]);
    expect(await catalog.get(first.id)).toEqual(repriced);
    expect((await catalog.getMany([second.id])).get(second.id)).toEqual(second);
    expect((await cache.getMany([second.id])).get(second.id)).toEqual(second);
  });

  it('never charges a stale cached price: the checkout transaction checks each book, and a retry reads DynamoDB', async () => {
    const { inner, catalog } = await setUp();
    const book = await catalog.create(bookInput(1, { price: 1500 }));
    // The price changes in DynamoDB only: the cache still says 1500.
    await inner.update(book.id, { price: 2100 });
    expect((await catalog.get(book.id))?.price).toBe(1500);

    const options = { client: documents, tableName };
    const carts = new DynamoCarts(options);
    const orders = new DynamoOrders(options);
    const checkout = checkoutUseCases({ carts, catalog, orders, payments: new TestPayments(), metrics: new NoopMetrics(), now: () => new Date() });
    const userId = '01aaaaaaaaaaaaaaaaaaaaaaaa';
    await carts.save(userId, [{ bookId: book.id, quantity: 2, addedAt: new Date().toISOString() }], 0);
    const { order, created } = await checkout.placeOrder(userId, 'key-stale-price', null);
    expect(created).toBe(true);
    expect(order.lines.map((l) => l.unitPrice)).toEqual([2100]);
    expect(order.total).toBe(4200);
    expect(await orders.get(userId, order.id)).toEqual(order);
  });

  it('empties on a rebuild, and fills again from reads', async () => {
    const { cache, catalog } = await setUp();
    const book = await catalog.create(bookInput(1));
    await new BookCacheProjection(cache).rebuild();
    expect((await cache.getMany([book.id])).size).toBe(0);
    expect(await catalog.get(book.id)).toEqual(book);
    expect((await cache.getMany([book.id])).get(book.id)).toEqual(book);
  });
});
