import { describe, expect, it } from 'vitest';
import { CART_LIMITS, emptyCart, validateQuantity, withQuantity, type Cart } from '../../src/domain/cart.js';
import { ConflictError, ValidationError } from '../../src/domain/errors.js';

const now = '2025-01-01T00:00:00.000Z';
const later = '2025-01-02T00:00:00.000Z';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}

describe('withQuantity', () => {
  it('adds a new book at the end and changes an existing one in place', () => {
    const cart: Cart = { ...emptyCart('u1'), lines: [{ bookId: 'a', quantity: 1, addedAt: now }] };
    const added = withQuantity(cart, 'b', 2, later);
    expect(added).toEqual([
      { bookId: 'a', quantity: 1, addedAt: now },
      { bookId: 'b', quantity: 2, addedAt: later },
    ]);
    const changed = withQuantity({ ...cart, lines: added }, 'a', 5, later);
    expect(changed.map((l) => [l.bookId, l.quantity, l.addedAt])).toEqual([
      ['a', 5, now],
      ['b', 2, later],
    ]);
    expect(cart.lines[0]!.quantity).toBe(1);
  });

  it('accepts quantities from 1 to the maximum only', () => {
    expect(validateQuantity(1)).toBe(1);
    expect(withQuantity(emptyCart('u1'), 'a', CART_LIMITS.quantityMax, now)[0]!.quantity).toBe(CART_LIMITS.quantityMax);
    for (const bad of [0, -1, 1.5, CART_LIMITS.quantityMax + 1, '2', null]) {
      const error = thrown(() => withQuantity(emptyCart('u1'), 'a', bad as number, now));
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues[0]!.field).toBe('quantity');
    }
  });

  it('refuses a new book in a full cart but still changes books already in it', () => {
    const lines = Array.from({ length: CART_LIMITS.linesMax }, (_, i) => ({ bookId: `b${i}`, quantity: 1, addedAt: now }));
    const full: Cart = { ...emptyCart('u1'), lines };
    const error = thrown(() => withQuantity(full, 'new', 1, now));
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).code).toBe('cart-full');
    expect(withQuantity(full, 'b3', 4, now)[3]!.quantity).toBe(4);
  });
});
