import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openSqliteSystemOfRecord, type SqliteSystemOfRecord } from '../../src/adapters/embedded/sqlite-system-of-record.js';
import { SqliteBestsellerBoard } from '../../src/adapters/embedded/sqlite-bestseller-board.js';
import { SqliteCheckpointStore } from '../../src/adapters/embedded/sqlite-checkpoint-store.js';
import { PrometheusMetrics } from '../../src/adapters/prometheus/prometheus-metrics.js';
import { BestsellersProjection } from '../../src/projections/bestsellers-projection.js';
import { ChangeFeedRunner } from '../../src/projections/runner.js';
import type { Projection } from '../../src/projections/projection.js';
import type { ChangeEvent } from '../../src/domain/change-event.js';
import type { Snapshot } from '../../src/ports/change-feed.js';
import { priceCart, type Order } from '../../src/domain/order.js';
import { newId } from '../../src/domain/ids.js';
import { completeIsbn13 } from '../../src/domain/isbn.js';
import { tempDir } from '../support/temp-dir.js';

/** Applies like the wrapped projection, but "crashes" after applying the first N batches (before the checkpoint moves). */
class CrashAfterApply implements Projection {
  readonly name;
  readonly sources;
  crashesLeft: number;
  applied = 0;
  constructor(
    private readonly inner: Projection,
    crashes: number,
  ) {
    this.name = inner.name;
    this.sources = inner.sources;
    this.crashesLeft = crashes;
  }
  async apply(events: readonly ChangeEvent[]): Promise<void> {
    await this.inner.apply(events);
    this.applied++;
    if (this.crashesLeft > 0) {
      this.crashesLeft--;
      throw new Error('simulated crash between apply and checkpoint');
    }
  }
  rebuild(snapshot: Snapshot): Promise<void> {
    return this.inner.rebuild(snapshot);
  }
}

describe('ChangeFeedRunner', () => {
  let dir: ReturnType<typeof tempDir>;
  let sor: SqliteSystemOfRecord;
  let board: SqliteBestsellerBoard;
  let checkpoints: SqliteCheckpointStore;

  beforeEach(() => {
    dir = tempDir();
    sor = openSqliteSystemOfRecord(join(dir.path, 'store.db'));
    board = SqliteBestsellerBoard.open(join(dir.path, 'bestsellers.db'));
    checkpoints = new SqliteCheckpointStore(board.db);
  });
  afterEach(async () => {
    await board.close();
    await sor.close();
    dir.remove();
  });

  function runner(projection: Projection, batchSize = 3, metrics?: PrometheusMetrics): ChangeFeedRunner {
    return new ChangeFeedRunner({ feed: sor.changeFeed, snapshots: sor.snapshots, consumers: [{ projection, checkpoints }], batchSize, metrics });
  }

  async function placeOrders(count: number, quantity: number): Promise<{ bookId: string; orders: Order[] }> {
    const book = await sor.catalog.create({
      isbn: completeIsbn13('978000000001'),
      title: 'Runner Test Book',
      authors: ['A. Author'],
      category: 'Fiction',
      description: '',
      price: 1000,
      currency: 'USD',
      coverUrl: null,
      rating: 4,
      year: 2020,
    });
    const user = await sor.users.create({ email: `buyer-${newId()}@example.com`, name: 'Buyer', role: 'customer' });
    const orders: Order[] = [];
    for (let i = 0; i < count; i++) {
      const cart = await sor.carts.save(user.id, [{ bookId: book.id, quantity, addedAt: new Date().toISOString() }], (await sor.carts.get(user.id)).version);
      const priced = priceCart(cart, new Map([[book.id, book]]));
      const order: Order = { id: newId(), userId: user.id, ...priced, status: 'placed', statusHistory: [], payment: null, shippingAddress: null, idempotencyKey: `runner-test-${i}`, createdAt: new Date().toISOString() };
      orders.push((await sor.orders.place(order, cart.version)).order);
    }
    return { bookId: book.id, orders };
  }

  async function unitsOf(bookId: string): Promise<number> {
    const top = await board.top({ window: 'all', limit: 10, now: Date.now() });
    return top.find((e) => e.bookId === bookId)?.units ?? 0;
  }

  it('applies every event once and moves the checkpoint to the head of the feed', async () => {
    const { bookId } = await placeOrders(5, 2);
    const r = runner(new BestsellersProjection(board));
    const [before] = await r.status();
    expect(before!.lagEvents).toBeGreaterThan(0);
    expect(before!.lagMs).toBeGreaterThanOrEqual(0);
    await r.catchUp();
    expect(await unitsOf(bookId)).toBe(10);
    const [after] = await r.status();
    expect(after!.position).toBe((await sor.changeFeed.head()).seq);
    expect(after!.lagEvents).toBe(0);
    expect(after!.lagMs).toBe(0);
    // Every applied event's commit-to-apply delay is in the last minute's window.
    expect(after!.delivery.samples).toBe(after!.position);
    expect(after!.delivery.p99Ms).toBeGreaterThanOrEqual(after!.delivery.p50Ms);
    expect(after!.delivery.maxMs).toBeGreaterThanOrEqual(after!.delivery.p99Ms);
  });

  it('redelivers a batch whose checkpoint was not saved, without counting it twice', async () => {
    const { bookId } = await placeOrders(6, 3);
    const crashing = new CrashAfterApply(new BestsellersProjection(board), 2);
    const r = runner(crashing);
    await expect(r.catchUp()).rejects.toThrow(/simulated crash/);
    expect((await r.status())[0]!.lastError).toMatch(/simulated crash/);
    await expect(r.catchUp()).rejects.toThrow(/simulated crash/);
    await r.catchUp();
    expect(crashing.applied).toBeGreaterThan(2);
    expect(await unitsOf(bookId)).toBe(18);
    expect((await r.status())[0]!.lastError).toBeNull();
  });

  it('counts each event once when its batch is checkpointed, with its delay, and each failed batch', async () => {
    await placeOrders(6, 1);
    const metrics = new PrometheusMetrics();
    const r = runner(new CrashAfterApply(new BestsellersProjection(board), 2), 3, metrics);
    await expect(r.catchUp()).rejects.toThrow(/simulated crash/);
    await expect(r.catchUp()).rejects.toThrow(/simulated crash/);
    await r.catchUp();
    const sample = async (name: string, metricName = name) => {
      const values = (await metrics.registry.getSingleMetric(name)?.get())?.values ?? [];
      return values.find((v) => ('metricName' in v ? v.metricName : name) === metricName && v.labels.projection === 'bestsellers')?.value;
    };
    expect(await sample('bookstore_projection_errors_total')).toBe(2);
    // Events applied by the crashed attempts count once, when they are applied for good.
    const delivered = await sample('bookstore_projection_delivery_delay_seconds', 'bookstore_projection_delivery_delay_seconds_count');
    expect(delivered).toBe((await sor.changeFeed.head()).seq);
  });

  it('delivers the same events again after a rewind and the counts stay exact', async () => {
    const { bookId } = await placeOrders(4, 1);
    const r = runner(new BestsellersProjection(board));
    await r.catchUp();
    await r.rewind('bestsellers', 0);
    expect((await r.status())[0]!.position).toBe(0);
    await r.catchUp();
    expect(await unitsOf(bookId)).toBe(4);
  });

  it('keeps retrying a failing batch in the background and never skips it', async () => {
    const { bookId } = await placeOrders(3, 1);
    const crashing = new CrashAfterApply(new BestsellersProjection(board), 1);
    const r = runner(crashing, 100);
    r.start();
    try {
      const deadline = Date.now() + 10_000;
      while ((await r.status())[0]!.lagEvents > 0 && Date.now() < deadline) await new Promise((res) => setTimeout(res, 50));
    } finally {
      await r.stop();
    }
    expect((await r.status())[0]!.lagEvents).toBe(0);
    expect(await unitsOf(bookId)).toBe(3);
  });

  it('rebuilds from a snapshot under a new generation so a stale consumer cannot overwrite the checkpoint', async () => {
    const { bookId } = await placeOrders(3, 2);
    const r = runner(new BestsellersProjection(board));
    await r.catchUp();
    const stale = await checkpoints.get('bestsellers');
    await r.rebuild('bestsellers');
    const fresh = await checkpoints.get('bestsellers');
    expect(fresh.generation).toBe(stale.generation + 1);
    expect(fresh.position).toBe((await sor.changeFeed.head()).seq);
    expect(await checkpoints.advance('bestsellers', stale.generation, 1)).toBe(false);
    expect((await checkpoints.get('bestsellers')).position).toBe(fresh.position);
    expect(await unitsOf(bookId)).toBe(6);
  });

  it('moves past events the projection has no part in without a write per batch, and saves the position with the next one it applies', async () => {
    const { bookId } = await placeOrders(2, 1);
    let writes = 0;
    const counting = Object.assign(Object.create(checkpoints) as SqliteCheckpointStore, {
      advance: (name: string, generation: number, position: number) => (writes++, checkpoints.advance(name, generation, position)),
    });
    const metrics = new PrometheusMetrics();
    const r = new ChangeFeedRunner({
      feed: sor.changeFeed,
      snapshots: sor.snapshots,
      consumers: [{ projection: new BestsellersProjection(board), checkpoints: counting }],
      batchSize: 100,
      skippedCheckpointMs: 3_600_000,
      pollIntervalMs: 20,
      metrics,
    });
    const caughtUp = async () => {
      const head = (await sor.changeFeed.head()).seq;
      for (let i = 0; i < 500 && (await r.status())[0]!.position < head; i++) await new Promise((res) => setTimeout(res, 10));
      return head;
    };
    r.start();
    try {
      const applied = await caughtUp();
      expect((await checkpoints.get('bestsellers')).position).toBe(applied);
      const writesBefore = writes;

      // Price changes: nothing for the bestsellers board to do, and no checkpoint write for them.
      for (let i = 0; i < 3; i++) await sor.catalog.update(bookId, { price: 2000 + i });
      const skipped = await caughtUp();
      const [status] = await r.status();
      expect(status).toMatchObject({ position: skipped, lagEvents: 0, lagMs: 0 });
      expect(writes).toBe(writesBefore);
      expect((await checkpoints.get('bestsellers')).position).toBe(applied);

      // The next order is applied, and its checkpoint covers the skipped events before it.
      const user = await sor.users.create({ email: `late-${newId()}@example.com`, name: 'Late', role: 'customer' });
      const book = (await sor.catalog.get(bookId))!;
      const cart = await sor.carts.save(user.id, [{ bookId, quantity: 5, addedAt: new Date().toISOString() }], 0);
      const order: Order = { id: newId(), userId: user.id, ...priceCart(cart, new Map([[bookId, book]])), status: 'placed', statusHistory: [], payment: null, shippingAddress: null, idempotencyKey: 'late-order', createdAt: new Date().toISOString() };
      await sor.orders.place(order, cart.version);
      const withOrder = await caughtUp();
      expect((await checkpoints.get('bestsellers')).position).toBe(withOrder);
      expect(await unitsOf(bookId)).toBe(7);

      // Skipped again, then saved when the runner stops.
      await sor.catalog.update(bookId, { price: 3000 });
      const last = await caughtUp();
      expect((await checkpoints.get('bestsellers')).position).toBe(withOrder);
      await r.stop();
      expect((await checkpoints.get('bestsellers')).position).toBe(last);
    } finally {
      await r.stop();
    }
    // Every event counts as delivered once, the skipped ones included.
    const delivered = (await metrics.registry.getSingleMetric('bookstore_projection_delivery_delay_seconds')?.get())?.values.find(
      (v) => 'metricName' in v && v.metricName === 'bookstore_projection_delivery_delay_seconds_count',
    )?.value;
    expect(delivered).toBe((await sor.changeFeed.head()).seq);
  });

  it('redelivers skipped events after a restart that lost the held position, and they change nothing', async () => {
    const { bookId } = await placeOrders(2, 1);
    const first = runner(new BestsellersProjection(board), 100);
    await first.catchUp();
    const saved = (await checkpoints.get('bestsellers')).position;
    // As a background pass that skipped them and then crashed: the saved checkpoint is still before them.
    await sor.catalog.update(bookId, { price: 4321 });
    const second = runner(new BestsellersProjection(board), 100);
    expect((await second.status())[0]!.lagEvents).toBe((await sor.changeFeed.head()).seq - saved);
    await second.catchUp();
    expect((await checkpoints.get('bestsellers')).position).toBe((await sor.changeFeed.head()).seq);
    expect(await unitsOf(bookId)).toBe(2);
  });

  it('drops a held position on a rewind, so the rewound events are delivered again', async () => {
    const { bookId } = await placeOrders(3, 1);
    const r = new ChangeFeedRunner({ feed: sor.changeFeed, snapshots: sor.snapshots, consumers: [{ projection: new BestsellersProjection(board), checkpoints }], batchSize: 100, skippedCheckpointMs: 3_600_000, pollIntervalMs: 20 });
    await r.catchUp();
    r.start();
    try {
      await sor.catalog.update(bookId, { price: 999 });
      const head = (await sor.changeFeed.head()).seq;
      for (let i = 0; i < 500 && (await r.status())[0]!.position < head; i++) await new Promise((res) => setTimeout(res, 10));
      expect((await checkpoints.get('bestsellers')).position).toBeLessThan(head);
      // An emptied board shows whether the rewound events really came again.
      await board.rebuild(async () => undefined);
      expect(await unitsOf(bookId)).toBe(0);
      await r.rewind('bestsellers', 0);
      for (let i = 0; i < 500 && (await r.status())[0]!.position < head; i++) await new Promise((res) => setTimeout(res, 10));
    } finally {
      await r.stop();
    }
    expect(await unitsOf(bookId)).toBe(3);
  });

  it('reports the total up front and progress for every record a rebuild reads', async () => {
    await placeOrders(4, 1);
    const r = runner(new BestsellersProjection(board));
    let items = 0;
    let total = -1;
    await r.rebuild('bestsellers', { onStart: (n) => (total = n), onItem: () => items++ });
    expect(total).toBe(4);
    expect(items).toBe(4);
  });
});
