import { describe, expect, it } from 'vitest';
import { createSessionStore, type Session } from '../src/auth/session';
import { safeNext } from '../src/auth/guards';
import { formatMoney, moneyInputValue, parseMoney } from '../src/lib/money';
import { readSearchState, withFilters, withoutCorrection } from '../src/pages/search-state';
import { changedFields, fieldsOf, formOf } from '../src/pages/admin/book-form';
import type { Book } from '../src/api/types';

describe('money', () => {
  it('formats minor units with the currency’s own decimals', () => {
    expect(formatMoney(1299, 'USD')).toBe(new Intl.NumberFormat(undefined, { style: 'currency', currency: 'USD' }).format(12.99));
    expect(formatMoney(1299, 'JPY')).toBe(new Intl.NumberFormat(undefined, { style: 'currency', currency: 'JPY' }).format(1299));
  });

  it('reads typed prices into minor units without floating-point rounding', () => {
    expect(parseMoney('12.99', 'USD')).toBe(1299);
    expect(parseMoney('0.29', 'USD')).toBe(29);
    expect(parseMoney('12', 'USD')).toBe(1200);
    expect(parseMoney('12.5', 'USD')).toBe(1250);
    expect(parseMoney(' 7,25 ', 'EUR')).toBe(725);
    expect(parseMoney('1299', 'JPY')).toBe(1299);
    for (const bad of ['', '12.999', '-1', '1e3', '$12', '12.5.0', '12.5', 'abc']) {
      expect(parseMoney(bad, bad === '12.5' ? 'JPY' : 'USD'), bad).toBeNull();
    }
    expect(moneyInputValue(1205, 'USD')).toBe('12.05');
    expect(moneyInputValue(5, 'USD')).toBe('0.05');
    expect(moneyInputValue(1299, 'JPY')).toBe('1299');
  });
});

describe('session store', () => {
  const session = (expiresAt: number): Session => ({
    token: 'a.b.c',
    user: { id: 'u1', email: 'a@example.com', name: 'A', role: 'customer', createdAt: '2026-01-01T00:00:00Z' },
    expiresAt,
  });

  it('keeps the session in sessionStorage for this tab, and forgets it on clear with the reason', () => {
    const storage = window.sessionStorage;
    storage.clear();
    const store = createSessionStore(storage, () => 1000);
    let changes = 0;
    store.subscribe(() => changes++);
    store.set(session(5000));
    expect(createSessionStore(storage, () => 1000).get()?.token).toBe('a.b.c');
    expect(window.localStorage.length).toBe(0);

    store.clear('expired');
    expect(store.get()).toBeNull();
    expect(store.lastEndReason()).toBe('expired');
    expect(storage.getItem('bookstore.session')).toBeNull();
    expect(changes).toBe(2);
  });

  it('treats an expired token as signed out', () => {
    const store = createSessionStore(null, () => 6000);
    store.set(session(5000));
    expect(store.get()).toBeNull();
  });
});

describe('sign-in redirects', () => {
  it('only go back to a path on this site', () => {
    expect(safeNext('/orders?x=1')).toBe('/orders?x=1');
    for (const bad of [null, 'https://evil.example', '//evil.example', '/\\evil.example', 'orders']) expect(safeNext(bad)).toBe('/');
  });
});

describe('search state in the URL', () => {
  it('reads filters and ignores malformed values', () => {
    const state = readSearchState(new URLSearchParams('q=dune&category=Fiction&minPrice=1000&maxPrice=abc&minRating=9&sort=bogus&cursor=c1'));
    expect(state).toEqual({ q: 'dune', category: 'Fiction', minPrice: 1000, maxPrice: undefined, minRating: undefined, sort: 'relevance', cursor: 'c1' });
  });

  it('searches the words as typed after "search instead for", keeping the filters', () => {
    const exact = withoutCorrection(new URLSearchParams('q=hary+poter&category=Fantasy&cursor=c1'));
    expect(exact.toString()).toBe('q=hary+poter&category=Fantasy&autocorrect=false');
    expect(readSearchState(exact).autocorrect).toBe(false);
    expect(readSearchState(new URLSearchParams('q=x&autocorrect=true')).autocorrect).toBeUndefined();
  });

  it('goes back to the first page when a filter changes, and leaves defaults out', () => {
    const next = withFilters(new URLSearchParams('q=dune&cursor=c1&page=3&sort=rating'), { category: 'Fiction', sort: 'relevance' });
    expect(next.toString()).toBe('q=dune&category=Fiction');
  });
});

describe('book editor', () => {
  const book: Book = {
    id: 'b1',
    isbn: '9780000000002',
    title: 'Dune',
    authors: ['Frank Herbert'],
    category: 'Science Fiction',
    description: 'Spice.',
    price: 1250,
    currency: 'USD',
    coverUrl: null,
    rating: 4.5,
    year: 1965,
  };

  it('sends only the fields the admin changed', () => {
    const form = { ...formOf(book), price: '9.99', authors: 'Frank Herbert\nBrian Herbert' };
    const { fields, errors } = fieldsOf(form);
    expect(errors).toEqual({});
    expect(changedFields(fields, book)).toEqual({ price: 999, authors: ['Frank Herbert', 'Brian Herbert'] });
    expect(changedFields(fieldsOf(formOf(book)).fields, book)).toEqual({});
  });

  it('points at the price field when it is not a number', () => {
    expect(fieldsOf({ ...formOf(book), price: '12,999' }).errors.price).toMatch(/price/i);
  });
});
