import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CART_LIMITS } from '../../src/domain/cart.js';
import { ConflictError, PreconditionFailedError } from '../../src/domain/errors.js';
import type { Carts } from '../../src/ports/carts.js';
import { cartLine } from './system-of-record.js';

interface CartsUnderTest {
  carts: Carts;
  close(): Promise<void>;
}

const ALICE = '01aaaaaaaaaaaaaaaaaaaaaaaa';
const BOB = '01bbbbbbbbbbbbbbbbbbbbbbbb';

export function cartsConformance(make: () => Promise<CartsUnderTest>): void {
  describe('Carts conformance', () => {
    let store: CartsUnderTest;
    let carts: Carts;
    beforeEach(async () => {
      store = await make();
      carts = store.carts;
    });
    afterEach(async () => {
      await store.close();
    });

    it('answers an empty cart at version 0 for a user who never had one', async () => {
      expect(await carts.get(ALICE)).toMatchObject({ userId: ALICE, lines: [], version: 0 });
    });

    it('deletes a cart, tombstone and all, leaving other carts alone', async () => {
      const bobs = await carts.save(BOB, [cartLine('book-2')], 0);
      await carts.save(ALICE, [cartLine('book-1')], 0);
      expect(await carts.delete(ALICE)).toBe(true);
      expect(await carts.get(ALICE)).toMatchObject({ lines: [], version: 0 });
      expect(await carts.delete(ALICE)).toBe(false);
      const emptied = await carts.save(BOB, [], bobs.version);
      expect(await carts.delete(BOB)).toBe(true);
      expect((await carts.get(BOB)).version).toBe(0);
      expect(emptied.version).toBeGreaterThan(0);
    });

    it('replaces the lines at the expected version and bumps it', async () => {
      const first = await carts.save(ALICE, [cartLine('book-1', 2)], 0);
      expect(first).toMatchObject({ userId: ALICE, lines: [cartLine('book-1', 2)], version: 1 });
      expect(new Date(first.updatedAt).toISOString()).toBe(first.updatedAt);
      expect(await carts.get(ALICE)).toEqual(first);
      const second = await carts.save(ALICE, [cartLine('book-1', 3), cartLine('book-2')], 1);
      expect(second.version).toBe(2);
      expect(await carts.get(ALICE)).toEqual(second);
    });

    it('refuses a save at a stale version, naming the current one', async () => {
      await carts.save(ALICE, [cartLine('book-1')], 0);
      await carts.save(ALICE, [cartLine('book-2')], 1);
      const stale = carts.save(ALICE, [cartLine('book-3')], 1);
      await expect(stale).rejects.toBeInstanceOf(PreconditionFailedError);
      await expect(stale).rejects.toMatchObject({ currentVersion: 2 });
      await expect(carts.save(BOB, [cartLine('book-3')], 1)).rejects.toMatchObject({ currentVersion: 0 });
      expect((await carts.get(ALICE)).lines).toEqual([cartLine('book-2')]);
    });

    it('empties a cart without ever reusing a version when it is filled again', async () => {
      const seen: number[] = [];
      let cart = await carts.save(ALICE, [cartLine('book-1')], 0);
      seen.push(cart.version);
      cart = await carts.save(ALICE, [cartLine('book-1', 2)], cart.version);
      seen.push(cart.version);
      const emptied = await carts.save(ALICE, [], cart.version);
      expect(emptied.lines).toEqual([]);
      const stored = await carts.get(ALICE);
      expect(stored.lines).toEqual([]);
      expect(stored.version).toBeGreaterThan(Math.max(...seen));
      // A checkout priced before the cart was emptied must not match the re-created cart.
      for (const stale of [0, ...seen]) await expect(carts.save(ALICE, [cartLine('book-9')], stale)).rejects.toBeInstanceOf(PreconditionFailedError);
      const refilled = await carts.save(ALICE, [cartLine('book-3')], stored.version);
      expect(refilled.version).toBeGreaterThan(stored.version);
      expect(await carts.get(ALICE)).toEqual(refilled);
    });

    it('changes nothing when the lines are the same', async () => {
      const cart = await carts.save(ALICE, [cartLine('book-1')], 0);
      expect(await carts.save(ALICE, [cartLine('book-1')], 1)).toEqual(cart);
      expect(await carts.save(BOB, [], 0)).toMatchObject({ lines: [], version: 0 });
      expect((await carts.get(BOB)).version).toBe(0);
    });

    it('keeps each user their own cart', async () => {
      await carts.save(ALICE, [cartLine('book-1')], 0);
      await carts.save(BOB, [cartLine('book-2')], 0);
      await carts.save(BOB, [], 1);
      expect((await carts.get(ALICE)).lines).toEqual([cartLine('book-1')]);
      expect((await carts.get(BOB)).lines).toEqual([]);
    });

    describe('one line at a time', () => {
      const at = (s: number) => new Date(Date.UTC(2025, 0, 1, 0, 0, s)).toISOString();

      it('adds lines in the order they were first added, and changes a quantity in its place', async () => {
        const first = await carts.setLine(ALICE, 'book-b', 1, at(1));
        expect(first).toMatchObject({ userId: ALICE, lines: [{ bookId: 'book-b', quantity: 1, addedAt: at(1) }], version: 1 });
        await carts.setLine(ALICE, 'book-a', 2, at(2));
        const changed = await carts.setLine(ALICE, 'book-b', 5, at(3));
        expect(changed.lines).toEqual([
          { bookId: 'book-b', quantity: 5, addedAt: at(1) },
          { bookId: 'book-a', quantity: 2, addedAt: at(2) },
        ]);
        expect(changed.version).toBe(3);
        expect(await carts.get(ALICE)).toEqual(changed);
      });

      it('changes nothing when the quantity is the one stored, or the book to remove is not there', async () => {
        const cart = await carts.setLine(ALICE, 'book-1', 2, at(1));
        expect(await carts.setLine(ALICE, 'book-1', 2, at(2))).toEqual(cart);
        expect(await carts.removeLine(ALICE, 'book-2', at(3))).toEqual(cart);
        expect(await carts.removeLine(BOB, 'book-2', at(3))).toMatchObject({ lines: [], version: 0 });
        expect(await carts.get(ALICE)).toEqual(cart);
      });

      it('removes a line, and an emptied cart keeps counting versions', async () => {
        await carts.setLine(ALICE, 'book-1', 1, at(1));
        const two = await carts.setLine(ALICE, 'book-2', 1, at(2));
        expect((await carts.removeLine(ALICE, 'book-1', at(3))).lines).toEqual([{ bookId: 'book-2', quantity: 1, addedAt: at(2) }]);
        const emptied = await carts.removeLine(ALICE, 'book-2', at(4));
        expect(emptied.lines).toEqual([]);
        expect(emptied.version).toBeGreaterThan(two.version);
        expect((await carts.setLine(ALICE, 'book-3', 1, at(5))).version).toBeGreaterThan(emptied.version);
        await expect(carts.save(ALICE, [], two.version)).rejects.toBeInstanceOf(PreconditionFailedError);
      });

      it('refuses a new book in a full cart, and still changes the books in it', async () => {
        const full = Array.from({ length: CART_LIMITS.linesMax }, (_, i) => ({ bookId: `book-${String(i).padStart(3, '0')}`, quantity: 1, addedAt: at(1) }));
        await carts.save(ALICE, full, 0);
        const refused = carts.setLine(ALICE, 'book-new', 1, at(2));
        await expect(refused).rejects.toBeInstanceOf(ConflictError);
        await expect(refused).rejects.toMatchObject({ code: 'cart-full' });
        const changed = await carts.setLine(ALICE, 'book-000', 4, at(3));
        expect(changed.lines).toHaveLength(CART_LIMITS.linesMax);
        expect(changed.lines[0]).toEqual({ bookId: 'book-000', quantity: 4, addedAt: at(1) });
      });

      it('loses no line when several are set at once', async () => {
        await carts.setLine(ALICE, 'book-0', 1, at(0));
        const books = ['book-1', 'book-2', 'book-3', 'book-4', 'book-5'];
        await Promise.all(books.map((b, i) => carts.setLine(ALICE, b, i + 1, at(i + 1))));
        const cart = await carts.get(ALICE);
        expect(cart.lines.map((l) => [l.bookId, l.quantity])).toEqual([['book-0', 1], ...books.map((b, i) => [b, i + 1])]);
        expect(cart.version).toBe(1 + books.length);
      });

      it('starts a cart that was never stored, even when several lines arrive at once', async () => {
        await Promise.all(['book-1', 'book-2', 'book-3'].map((b, i) => carts.setLine(BOB, b, 1, at(i))));
        const cart = await carts.get(BOB);
        expect(cart.lines.map((l) => l.bookId)).toEqual(['book-1', 'book-2', 'book-3']);
        expect(cart.version).toBe(3);
      });
    });
  });
}
