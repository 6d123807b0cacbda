import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, ValidationError } from '../../src/domain/errors.js';
import type { Order } from '../../src/domain/order.js';
import type { Carts } from '../../src/ports/carts.js';
import type { Catalog } from '../../src/ports/catalog.js';
import type { Orders } from '../../src/ports/orders.js';
import { bookInput, cartLine, orderFor } from './system-of-record.js';

interface OrdersUnderTest {
  orders: Orders;
  carts: Carts;
  catalog: Catalog;
  close(): Promise<void>;
}

const ALICE = '01aaaaaaaaaaaaaaaaaaaaaaaa';
const BOB = '01bbbbbbbbbbbbbbbbbbbbbbbb';

export function ordersConformance(make: () => Promise<OrdersUnderTest>): void {
  describe('Orders conformance', () => {
    let store: OrdersUnderTest;
    let orders: Orders;
    let carts: Carts;
    let catalog: Catalog;
    beforeEach(async () => {
      store = await make();
      ({ orders, carts, catalog } = store);
    });
    afterEach(async () => {
      await store.close();
    });

    async function fillCart(userId: string): Promise<number> {
      const cart = await carts.get(userId);
      return (await carts.save(userId, [cartLine('book-1', 2)], cart.version)).version;
    }

    it('places an order and empties the cart it was priced from', async () => {
      const version = await fillCart(ALICE);
      const order = orderFor(ALICE, 'key-00000001');
      expect(await orders.place(order, version)).toEqual({ order, created: true });
      expect(await orders.get(ALICE, order.id)).toEqual(order);
      expect(await orders.get(BOB, order.id)).toBeNull();
      expect(await orders.findByIdempotencyKey(ALICE, 'key-00000001')).toEqual(order);
      expect(await orders.findByIdempotencyKey(BOB, 'key-00000001')).toBeNull();
      expect(await orders.get(ALICE, '0000000000zzzzzzzzzzzzzzzz')).toBeNull();
      const cart = await carts.get(ALICE);
      expect(cart.lines).toEqual([]);
      expect(cart.version).toBeGreaterThan(version);
    });

    it('returns the first order for a repeated idempotency key and writes nothing', async () => {
      const version = await fillCart(ALICE);
      const first = orderFor(ALICE, 'key-00000001');
      await orders.place(first, version);
      const refilled = await fillCart(ALICE);
      const retry = orderFor(ALICE, 'key-00000001', Date.now() + 1000);
      expect(await orders.place(retry, refilled)).toEqual({ order: first, created: false });
      expect(await orders.get(ALICE, retry.id)).toBeNull();
      expect(await carts.get(ALICE)).toMatchObject({ version: refilled, lines: [cartLine('book-1', 2)] });
      // Even a stale cart version answers with the placed order: the key decides first.
      expect(await orders.place(retry, 0)).toEqual({ order: first, created: false });
    });

    it('refuses a checkout whose cart moved on, writing nothing', async () => {
      const priced = await fillCart(ALICE);
      await carts.save(ALICE, [cartLine('book-1', 5)], priced);
      const order = orderFor(ALICE, 'key-00000001');
      const attempt = orders.place(order, priced);
      await expect(attempt).rejects.toBeInstanceOf(ConflictError);
      await expect(attempt).rejects.toMatchObject({ code: 'cart-changed' });
      expect(await orders.get(ALICE, order.id)).toBeNull();
      expect(await orders.findByIdempotencyKey(ALICE, 'key-00000001')).toBeNull();
      expect((await carts.get(ALICE)).lines).toEqual([cartLine('book-1', 5)]);
      await expect(orders.place(orderFor(BOB, 'key-00000002'), 1)).rejects.toMatchObject({ code: 'cart-changed' });
    });

    it('treats a user who never had a cart as being at version 0', async () => {
      const order = orderFor(BOB, 'key-00000001');
      expect((await orders.place(order, 0)).created).toBe(true);
      expect(await orders.get(BOB, order.id)).toEqual(order);
    });

    describe('with the versions the books were priced at', () => {
      it('places the order while every book is still at its version', async () => {
        const [a, b] = [await catalog.create(bookInput(1)), await catalog.create(bookInput(2))];
        const changed = await catalog.update(b.id, { price: 999 });
        const version = await fillCart(ALICE);
        const order = orderFor(ALICE, 'key-00000001');
        const pricedAt = new Map([[a.id, a.version], [b.id, changed.version]]);
        expect(await orders.place(order, version, { pricedAt })).toEqual({ order, created: true });
        expect((await carts.get(ALICE)).lines).toEqual([]);
      });

      it('refuses with prices-changed when a book moved on or left, writing nothing', async () => {
        const [a, b] = [await catalog.create(bookInput(1)), await catalog.create(bookInput(2))];
        await catalog.update(b.id, { price: 999 });
        const version = await fillCart(ALICE);
        const order = orderFor(ALICE, 'key-00000001');
        const stale = orders.place(order, version, { pricedAt: new Map([[a.id, a.version], [b.id, b.version]]) });
        await expect(stale).rejects.toBeInstanceOf(ConflictError);
        await expect(stale).rejects.toMatchObject({ code: 'prices-changed' });
        await catalog.delete(a.id);
        await expect(orders.place(order, version, { pricedAt: new Map([[a.id, a.version]]) })).rejects.toMatchObject({ code: 'prices-changed' });
        expect(await orders.get(ALICE, order.id)).toBeNull();
        expect(await orders.findByIdempotencyKey(ALICE, 'key-00000001')).toBeNull();
        expect(await carts.get(ALICE)).toMatchObject({ version, lines: [cartLine('book-1', 2)] });
      });

      it('still answers a taken key with its order, whatever the books did since', async () => {
        const book = await catalog.create(bookInput(1));
        const version = await fillCart(ALICE);
        const first = orderFor(ALICE, 'key-00000001');
        await orders.place(first, version, { pricedAt: new Map([[book.id, book.version]]) });
        await catalog.update(book.id, { price: 1 });
        const retry = orderFor(ALICE, 'key-00000001', Date.now() + 1000);
        expect(await orders.place(retry, version, { pricedAt: new Map([[book.id, book.version]]) })).toEqual({ order: first, created: false });
      });
    });

    it('places exactly one order when the same key is placed concurrently', async () => {
      const version = await fillCart(ALICE);
      const attempts = Array.from({ length: 5 }, (_, i) => orderFor(ALICE, 'key-concurrent', Date.now() + i));
      const results = await Promise.all(attempts.map((o) => orders.place(o, version)));
      expect(results.filter((r) => r.created)).toHaveLength(1);
      const winner = results.find((r) => r.created)!.order;
      expect(results.every((r) => r.order.id === winner.id)).toBe(true);
      expect((await orders.listByUser(ALICE, { limit: 10 })).items).toEqual([winner]);
    });

    it('keeps idempotency keys per user', async () => {
      const a = orderFor(ALICE, 'key-shared-1');
      const b = orderFor(BOB, 'key-shared-1');
      expect((await orders.place(a, 0)).created).toBe(true);
      expect((await orders.place(b, 0)).created).toBe(true);
      expect(await orders.findByIdempotencyKey(BOB, 'key-shared-1')).toEqual(b);
    });

    it("lists a user's orders newest first, each exactly once across pages", async () => {
      const start = Date.now() - 100_000;
      const placed: Order[] = [];
      for (let i = 0; i < 11; i++) {
        const order = orderFor(ALICE, `key-alice-${String(i).padStart(4, '0')}`, start + i * 1000);
        await orders.place(order, 0);
        placed.push(order);
        await orders.place(orderFor(BOB, `key-bob-${String(i).padStart(4, '0')}`, start + i * 1000 + 500), 0);
      }
      const expected = placed.map((o) => o.id).reverse();
      for (const limit of [1, 3, 11, 50]) {
        const seen: string[] = [];
        let cursor: string | undefined;
        for (let pages = 0; pages < 100; pages++) {
          const page = await orders.listByUser(ALICE, { limit, cursor });
          expect(page.items.length).toBeLessThanOrEqual(limit);
          seen.push(...page.items.map((o) => o.id));
          if (page.nextCursor === null) break;
          cursor = page.nextCursor;
        }
        expect(seen).toEqual(expected);
      }
      expect(await orders.listByUser('01cccccccccccccccccccccccc', { limit: 5 })).toEqual({ items: [], nextCursor: null });
    });

    it('rejects a cursor it did not issue', async () => {
      await orders.place(orderFor(ALICE, 'key-00000001'), 0);
      const attempt = orders.listByUser(ALICE, { limit: 5, cursor: 'definitely not a cursor' });
      await expect(attempt).rejects.toBeInstanceOf(ValidationError);
      await expect(attempt).rejects.toMatchObject({ issues: [expect.objectContaining({ field: 'cursor' })] });
    });
  });
}
