import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PreconditionFailedError } from '../../src/domain/errors.js';
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
  });
}
