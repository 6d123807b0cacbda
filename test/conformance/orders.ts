import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '../../src/domain/errors.js';
import type { Order } from '../../src/domain/order.js';
import type { Book } from '../../src/domain/book.js';
import { OutOfStockError } from '../../src/domain/stock.js';
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

    /** An order of `quantity` copies of each book, at each book's current price, with the user's cart filled to match. */
    async function orderOf(userId: string, key: string, books: readonly Book[], quantity = 1): Promise<{ order: Order; cartVersion: number }> {
      const cart = await carts.get(userId);
      const saved = await carts.save(userId, books.map((b) => cartLine(b.id, quantity)), cart.version);
      const lines = books.map((b) => ({ bookId: b.id, isbn: b.isbn, title: b.title, category: b.category, unitPrice: b.price, quantity, lineTotal: b.price * quantity }));
      const order = { ...orderFor(userId, key), lines, itemCount: quantity * books.length, total: lines.reduce((s, l) => s + l.lineTotal, 0) };
      return { order, cartVersion: saved.version };
    }
    const counted = (...books: Book[]) => ({ takeStock: { countedStock: new Set(books.filter((b) => b.stock !== null).map((b) => b.id)) } });

    describe('taking stock', () => {
      it('takes the copies of counted books with the order, each book a new version', async () => {
        const a = await catalog.create(bookInput(1, { stock: 5 }));
        const b = await catalog.create(bookInput(2));
        const { order, cartVersion } = await orderOf(ALICE, 'key-00000001', [a, b], 2);
        expect(await orders.place(order, cartVersion, counted(a, b))).toEqual({ order, created: true });
        expect(await catalog.get(a.id)).toMatchObject({ stock: 3, version: a.version + 1 });
        expect(await catalog.get(b.id)).toEqual(b);
        expect([...(await catalog.stockOf([a.id, b.id])).entries()].sort()).toEqual([[a.id, 3], [b.id, null]].sort());
        expect((await carts.get(ALICE)).lines).toEqual([]);
      });

      it('refuses a checkout it cannot fill, naming each short book, and writes nothing', async () => {
        const a = await catalog.create(bookInput(1, { stock: 1 }));
        const b = await catalog.create(bookInput(2, { stock: 0 }));
        const c = await catalog.create(bookInput(3, { stock: 9 }));
        const { order, cartVersion } = await orderOf(ALICE, 'key-00000001', [a, b, c], 2);
        const attempt = orders.place(order, cartVersion, counted(a, b, c));
        await expect(attempt).rejects.toBeInstanceOf(OutOfStockError);
        await expect(attempt).rejects.toMatchObject({
          code: 'out-of-stock',
          shortages: [
            { bookId: a.id, title: a.title, requested: 2, available: 1 },
            { bookId: b.id, title: b.title, requested: 2, available: 0 },
          ],
        });
        expect(await orders.get(ALICE, order.id)).toBeNull();
        expect(await orders.findByIdempotencyKey(ALICE, 'key-00000001')).toBeNull();
        expect((await carts.get(ALICE)).version).toBe(cartVersion);
        for (const book of [a, b, c]) expect(await catalog.get(book.id)).toEqual(book);
      });

      it('refuses with prices-changed when a book changed price or left, writing nothing', async () => {
        const a = await catalog.create(bookInput(1, { stock: 4 }));
        const b = await catalog.create(bookInput(2));
        const { order, cartVersion } = await orderOf(ALICE, 'key-00000001', [a, b]);
        await catalog.update(b.id, { price: 999 });
        await expect(orders.place(order, cartVersion, counted(a, b))).rejects.toMatchObject({ code: 'prices-changed' });
        await catalog.delete(b.id);
        await expect(orders.place(order, cartVersion, counted(a, b))).rejects.toMatchObject({ code: 'prices-changed' });
        expect(await orders.get(ALICE, order.id)).toBeNull();
        expect((await catalog.get(a.id))?.stock).toBe(4);
      });

      it('places the order when only a book of other fields, or its stock, changed since pricing', async () => {
        const a = await catalog.create(bookInput(1, { stock: 4 }));
        const { order, cartVersion } = await orderOf(ALICE, 'key-00000001', [a]);
        await catalog.update(a.id, { title: 'Renamed', stock: 3 });
        expect((await orders.place(order, cartVersion, counted(a))).created).toBe(true);
        expect((await catalog.get(a.id))?.stock).toBe(2);
      });

      it('sells the last copy to exactly one of many concurrent checkouts', async () => {
        const last = await catalog.create(bookInput(1, { stock: 1 }));
        const buyers = Array.from({ length: 8 }, (_, i) => `01cccccccccccccccccccccc${String(i).padStart(2, '0')}`);
        const attempts = await Promise.all(buyers.map((u, i) => orderOf(u, `key-last-copy-${i}`, [last])));
        const results = await Promise.allSettled(attempts.map(({ order, cartVersion }) => orders.place(order, cartVersion, counted(last))));
        const placed = results.filter((r) => r.status === 'fulfilled');
        expect(placed).toHaveLength(1);
        for (const r of results) {
          if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'out-of-stock', shortages: [{ bookId: last.id, requested: 1, available: 0 }] });
        }
        expect((await catalog.get(last.id))?.stock).toBe(0);
      });
    });

    describe('status changes', () => {
      const admin = { role: 'admin' as const, userId: BOB };
      it('moves an order, keeping its history, only from the status it was read at', async () => {
        const { order, cartVersion } = await orderOf(ALICE, 'key-00000001', []);
        await orders.place(order, cartVersion);
        const paid = await orders.changeStatus(order, { status: 'paid', at: '2026-01-01T00:00:00.000Z', by: admin });
        expect(paid.status).toBe('paid');
        expect(paid.statusHistory.map((c) => c.status)).toEqual(['placed', 'paid']);
        expect(await orders.get(ALICE, order.id)).toEqual(paid);
        expect(await orders.find(order.id)).toEqual(paid);
        await expect(orders.changeStatus(order, { status: 'cancelled', at: '2026-01-01T00:00:01.000Z', by: admin })).rejects.toMatchObject({ code: 'status-changed' });
        expect(await orders.find('0000000000zzzzzzzzzzzzzzzz')).toBeNull();
      });

      it('puts the copies back on counted books when an order is cancelled', async () => {
        const a = await catalog.create(bookInput(1, { stock: 3 }));
        const b = await catalog.create(bookInput(2));
        const { order, cartVersion } = await orderOf(ALICE, 'key-00000001', [a, b], 2);
        await orders.place(order, cartVersion, counted(a, b));
        expect((await catalog.get(a.id))?.stock).toBe(1);
        const cancelled = await orders.changeStatus(order, { status: 'cancelled', at: new Date().toISOString(), by: { role: 'customer', userId: ALICE } });
        expect(cancelled.status).toBe('cancelled');
        expect((await catalog.get(a.id))?.stock).toBe(3);
        expect(await catalog.get(b.id)).toEqual(b);
      });

      it('lists every order newest first, optionally of one status', async () => {
        const start = Date.now() - 100_000;
        const placed: Order[] = [];
        for (let i = 0; i < 5; i++) {
          const order = orderFor(i % 2 === 0 ? ALICE : BOB, `key-all-${i}`, start + i * 1000);
          await orders.place(order, 0);
          placed.push(order);
        }
        await orders.changeStatus(placed[1]!, { status: 'paid', at: new Date().toISOString(), by: admin });
        const seen: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await eventually(() => orders.listAll({ limit: 2, cursor }), (p) => cursor !== undefined || p.items.length === 2);
          seen.push(...page.items.map((o) => o.id));
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        expect(seen).toEqual(placed.map((o) => o.id).reverse());
        const paid = await eventually(() => orders.listAll({ limit: 10, status: 'paid' }), (p) => p.items.length === 1);
        expect(paid.items.map((o) => o.id)).toEqual([placed[1]!.id]);
        const stillPlaced = await eventually(() => orders.listAll({ limit: 10, status: 'placed' }), (p) => p.items.length === 4);
        expect(stillPlaced.items.map((o) => o.id)).toEqual([placed[4]!.id, placed[3]!.id, placed[2]!.id, placed[0]!.id]);
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

    it("anonymises a user's order: kept for every admin listing, gone from the customer, address and key included", async () => {
      const order = { ...orderFor(ALICE, 'key-anon-0001'), shippingAddress: { name: 'Alice A', line1: '1 Road', city: 'Town', postalCode: '12345', country: 'DE' } };
      await orders.place(order, 0);
      const other = orderFor(ALICE, 'key-anon-0002');
      await orders.place(other, 0);
      const kept = await orders.anonymise(ALICE, order.id, 'deleted-pseudonym00000001');
      expect(kept).toMatchObject({ id: order.id, userId: 'deleted-pseudonym00000001', shippingAddress: null, lines: order.lines, total: order.total, status: 'placed' });
      expect(kept.statusHistory).toEqual([{ ...order.statusHistory[0], by: { role: 'customer', userId: 'deleted-pseudonym00000001' } }]);
      expect(JSON.stringify(kept)).not.toContain(ALICE);
      expect(JSON.stringify(kept)).not.toContain('key-anon-0001');
      expect(await orders.get(ALICE, order.id)).toBeNull();
      expect(await orders.findByIdempotencyKey(ALICE, 'key-anon-0001')).toBeNull();
      expect((await orders.listByUser(ALICE, { limit: 10 })).items.map((o) => o.id)).toEqual([other.id]);
      expect(await orders.find(order.id)).toEqual(kept);
      expect((await orders.listAll({ limit: 10 })).items.map((o) => o.id)).toContain(order.id);
      await expect(orders.anonymise(ALICE, order.id, 'deleted-pseudonym00000002')).rejects.toBeInstanceOf(NotFoundError);
    });

    it('rejects a cursor it did not issue', async () => {
      await orders.place(orderFor(ALICE, 'key-00000001'), 0);
      const attempt = orders.listByUser(ALICE, { limit: 5, cursor: 'definitely not a cursor' });
      await expect(attempt).rejects.toBeInstanceOf(ValidationError);
      await expect(attempt).rejects.toMatchObject({ issues: [expect.objectContaining({ field: 'cursor' })] });
    });
  });
}

/** Reads until `done` holds (GSIs are eventually consistent on AWS; DynamoDB Local and SQLite answer at once). */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let i = 0; ; i++) {
    const value = await read();
    if (done(value) || i >= 50) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
