import { describe, expect, it } from 'vitest';
import { CART_LIMITS } from '../../src/domain/cart.js';
import { guestCartId, isGuestToken, mergeLines, newGuestToken } from '../../src/domain/guest-cart.js';

const line = (bookId: string, quantity: number, addedAt = '2026-01-01T00:00:00.000Z') => ({ bookId, quantity, addedAt });

describe('guest cart tokens', () => {
  it('are 256 random bits in base64url, stored only as a digest', () => {
    const token = newGuestToken();
    expect(isGuestToken(token)).toBe(true);
    expect(newGuestToken()).not.toBe(token);
    expect(guestCartId(token)).not.toContain(token);
    expect(guestCartId(token)).toBe(guestCartId(token));
    expect(isGuestToken(`${token}=`)).toBe(false);
    expect(isGuestToken(token.slice(1))).toBe(false);
  });
});

describe('mergeLines', () => {
  it('adds quantities of a book in both carts, capped at the per-line limit', () => {
    const { lines, left } = mergeLines([line('a', 95), line('b', 1)], [line('a', 10), line('b', 2)], () => true);
    expect(lines.map((l) => [l.bookId, l.quantity])).toEqual([['a', CART_LIMITS.quantityMax], ['b', 3]]);
    expect(left).toEqual([]);
  });

  it('appends new books after the account\'s, keeping when the guest added them', () => {
    const { lines } = mergeLines([line('a', 1)], [line('c', 2, '2026-02-02T00:00:00.000Z')], () => true);
    expect(lines).toEqual([line('a', 1), line('c', 2, '2026-02-02T00:00:00.000Z')]);
  });

  it('leaves out books the cart refuses or has no room for', () => {
    const full = Array.from({ length: CART_LIMITS.linesMax }, (_, i) => line(`b${i}`, 1));
    expect(mergeLines(full, [line('new', 1), line('b0', 1)], () => true)).toMatchObject({ left: [line('new', 1)] });
    expect(mergeLines([], [line('gone', 1), line('ok', 1)], (id) => id === 'ok')).toEqual({ lines: [line('ok', 1)], left: [line('gone', 1)] });
  });
});
