import { describe, expect, it } from 'vitest';
import type { Book } from '../../src/domain/book.js';
import { emptyCart, type Cart } from '../../src/domain/cart.js';
import { ConflictError } from '../../src/domain/errors.js';
import { IDEMPOTENCY_KEY_PATTERN, priceCart } from '../../src/domain/order.js';

const at = '2025-01-01T00:00:00.000Z';

function book(id: string, price: number, currency = 'USD'): Book {
  return {
    id,
    isbn: `978000000${id}`,
    title: `Title ${id}`,
    authors: ['A. Author'],
    category: 'Fiction',
    description: '',
    price,
    currency,
    coverUrl: null,
    rating: 4,
    year: 2000,
    stock: null,
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
}

function cartOf(...lines: Array<[string, number]>): Cart {
  return { ...emptyCart('u1'), lines: lines.map(([bookId, quantity]) => ({ bookId, quantity, addedAt: at })) };
}

function conflictCode(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConflictError) return e.code;
    throw e;
  }
  throw new Error('expected a ConflictError');
}

describe('priceCart', () => {
  const books = new Map([book('001', 1299), book('002', 29), book('003', 1500, 'EUR')].map((b) => [b.id, b]));

  it('prices every line from the catalog and totals them', () => {
    const priced = priceCart(cartOf(['001', 2], ['002', 3]), books);
    expect(priced.currency).toBe('USD');
    expect(priced.itemCount).toBe(5);
    expect(priced.total).toBe(2 * 1299 + 3 * 29);
    expect(priced.lines).toEqual([
      { bookId: '001', isbn: '978000000001', title: 'Title 001', category: 'Fiction', unitPrice: 1299, quantity: 2, lineTotal: 2598 },
      { bookId: '002', isbn: '978000000002', title: 'Title 002', category: 'Fiction', unitPrice: 29, quantity: 3, lineTotal: 87 },
    ]);
  });

  it('refuses an empty cart', () => {
    expect(conflictCode(() => priceCart(cartOf(), books))).toBe('cart-empty');
  });

  it('refuses a book that has left the catalog', () => {
    expect(conflictCode(() => priceCart(cartOf(['001', 1], ['gone', 1]), books))).toBe('book-unavailable');
  });

  it('refuses a cart that mixes currencies', () => {
    expect(conflictCode(() => priceCart(cartOf(['001', 1], ['003', 1]), books))).toBe('mixed-currency');
    expect(priceCart(cartOf(['003', 2]), books)).toMatchObject({ currency: 'EUR', total: 3000 });
  });
});

describe('idempotency keys', () => {
  it('allow 8 to 128 safe characters', () => {
    expect(IDEMPOTENCY_KEY_PATTERN.test('seed-42-order-7')).toBe(true);
    expect(IDEMPOTENCY_KEY_PATTERN.test('short')).toBe(false);
    expect(IDEMPOTENCY_KEY_PATTERN.test('has spaces in it')).toBe(false);
    expect(IDEMPOTENCY_KEY_PATTERN.test('k'.repeat(129))).toBe(false);
  });
});
