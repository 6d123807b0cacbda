import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CART_LIMITS } from '../../src/domain/cart.js';
import { ConflictError } from '../../src/domain/errors.js';
import type { GuestCarts } from '../../src/ports/guest-carts.js';

interface GuestCartsUnderTest {
  guestCarts: GuestCarts;
  close(): Promise<void>;
}

const T0 = '2026-01-01T00:00:00.000Z';
const at = (seconds: number) => new Date(Date.parse(T0) + seconds * 1000).toISOString();

export function guestCartsConformance(make: () => Promise<GuestCartsUnderTest>): void {
  describe('GuestCarts conformance', () => {
    let store: GuestCartsUnderTest;
    let carts: GuestCarts;
    let id: string;
    beforeEach(async () => {
      store = await make();
      carts = store.guestCarts;
      id = `guest-${randomUUID()}`;
    });
    afterEach(async () => {
      await store.close();
    });

    it('creates an empty cart once per id and answers null for an unknown one', async () => {
      expect(await carts.create(id, T0, at(60))).toEqual({ id, lines: [], version: 1, updatedAt: T0, expiresAt: at(60) });
      expect(await carts.get(id, at(1))).toEqual({ id, lines: [], version: 1, updatedAt: T0, expiresAt: at(60) });
      await expect(carts.create(id, T0, at(60))).rejects.toBeInstanceOf(ConflictError);
      expect(await carts.get(`guest-${randomUUID()}`, at(1))).toBeNull();
    });

    it('sets and removes lines in the order first added, moving the expiry with every change', async () => {
      await carts.create(id, T0, at(60));
      await carts.setLine(id, 'book-b', 2, at(1), at(61));
      const both = await carts.setLine(id, 'book-a', 1, at(2), at(62));
      expect(both?.lines).toEqual([
        { bookId: 'book-b', quantity: 2, addedAt: at(1) },
        { bookId: 'book-a', quantity: 1, addedAt: at(2) },
      ]);
      const changed = await carts.setLine(id, 'book-b', 5, at(3), at(63));
      expect(changed?.lines[0]).toEqual({ bookId: 'book-b', quantity: 5, addedAt: at(1) });
      const removed = await carts.removeLine(id, 'book-b', at(4), at(64));
      expect(removed).toMatchObject({ lines: [{ bookId: 'book-a', quantity: 1, addedAt: at(2) }], updatedAt: at(4), expiresAt: at(64) });
      expect(removed!.version).toBeGreaterThan(changed!.version);
      expect(await carts.get(id, at(5))).toEqual(removed);
      // Activity alone keeps the cart: removing a book that is not there still moves the expiry.
      expect(await carts.removeLine(id, 'book-z', at(6), at(66))).toMatchObject({ lines: removed!.lines, expiresAt: at(66) });
    });

    it('treats an expired cart as gone, for reads, writes and takes', async () => {
      await carts.create(id, T0, at(60));
      await carts.setLine(id, 'book-a', 1, at(10), at(70));
      expect(await carts.get(id, at(69))).not.toBeNull();
      expect(await carts.get(id, at(70))).toBeNull();
      expect(await carts.setLine(id, 'book-b', 1, at(71), at(131))).toBeNull();
      expect(await carts.removeLine(id, 'book-a', at(71), at(131))).toBeNull();
      expect(await carts.take(id, at(71))).toBeNull();
    });

    it('refuses a line beyond the cart\'s limit of books', async () => {
      await carts.create(id, T0, at(600));
      for (let i = 0; i < CART_LIMITS.linesMax; i++) await carts.setLine(id, `book-${i}`, 1, at(1), at(601));
      await expect(carts.setLine(id, 'one-more', 1, at(2), at(602))).rejects.toMatchObject({ code: 'cart-full' });
      expect((await carts.setLine(id, 'book-0', 3, at(2), at(602)))?.lines).toHaveLength(CART_LIMITS.linesMax);
    });

    it('gives a cart to one taker only, and restores a taken cart as it was', async () => {
      await carts.create(id, T0, at(60));
      const held = await carts.setLine(id, 'book-a', 2, at(1), at(61));
      const takes = await Promise.all([carts.take(id, at(2)), carts.take(id, at(2)), carts.take(id, at(2))]);
      expect(takes.filter((t) => t !== null)).toEqual([held]);
      expect(await carts.get(id, at(3))).toBeNull();
      await carts.restore(held!);
      expect(await carts.get(id, at(3))).toEqual(held);
      // Restoring over a cart that exists again changes nothing.
      await carts.restore({ ...held!, lines: [] });
      expect(await carts.get(id, at(3))).toEqual(held);
    });

    it('keeps carts apart', async () => {
      const other = `guest-${randomUUID()}`;
      await carts.create(id, T0, at(60));
      await carts.create(other, T0, at(60));
      await carts.setLine(id, 'book-a', 1, at(1), at(61));
      expect((await carts.get(other, at(2)))?.lines).toEqual([]);
    });
  });
}
