import { describe, expect, it } from 'vitest';
import { addressForApi, addressLines, addressProblems } from '../src/pages/checkout/address-format';
import { US_STATES } from '../src/pages/checkout/us-states';
import { US_STATE_CODES } from '../../src/domain/us-states';
import { createSessionStore, type Session } from '../src/auth/session';
import { safeNext } from '../src/auth/guards';
import { formatMoney, moneyInputValue, parseMoney } from '../src/lib/money';
import { readSearchState, withFilters, withoutCorrection } from '../src/pages/search-state';
import { pageCount, pageWindow, readCategoryState, SEARCH_MAX_PAGE, withCategoryChanges } from '../src/pages/category-state';
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

describe('category state in the URL', () => {
  it('reads sort, filters and page, ignoring malformed values and pages the API refuses', () => {
    expect(readCategoryState(new URLSearchParams('sort=price_desc&minPrice=1000&maxPrice=1999&minRating=4&page=3'))).toEqual({
      sort: 'price_desc', minPrice: 1000, maxPrice: 1999, minRating: 4, page: 3,
    });
    expect(readCategoryState(new URLSearchParams('sort=relevance&minPrice=-5&minRating=&page=x'))).toEqual({
      sort: 'rating', minPrice: undefined, maxPrice: undefined, minRating: undefined, page: null,
    });
    expect(readCategoryState(new URLSearchParams('')).page).toBe(1);
    for (const bad of ['0', '101', '1.5', '99999999']) expect(readCategoryState(new URLSearchParams(`page=${bad}`)).page, bad).toBeNull();
    expect(readCategoryState(new URLSearchParams(`page=${SEARCH_MAX_PAGE}`)).page).toBe(SEARCH_MAX_PAGE);
  });

  it('goes back to the first page when the sort or a filter changes, leaving the default sort out', () => {
    expect(withCategoryChanges(new URLSearchParams('page=4&minRating=3'), { sort: 'newest' }).toString()).toBe('minRating=3&sort=newest');
    expect(withCategoryChanges(new URLSearchParams('sort=newest&page=2'), { sort: 'rating' }).toString()).toBe('');
  });

  it('offers every page up to the bound and shows the first, the last and two either side of the current one', () => {
    expect(pageCount(0, 24)).toBe(1);
    expect(pageCount(49, 24)).toBe(3);
    expect(pageCount(1_000_000, 24)).toBe(SEARCH_MAX_PAGE);
    expect(pageWindow(1, 3)).toEqual([1, 2, 3]);
    expect(pageWindow(1, 10)).toEqual([1, 2, 3, null, 10]);
    expect(pageWindow(5, 10)).toEqual([1, 2, 3, 4, 5, 6, 7, null, 10]);
    expect(pageWindow(10, 10)).toEqual([1, null, 8, 9, 10]);
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

describe('addresses as each country writes them', () => {
  const base = { name: 'Ada Reader', line1: '1 Main Street', city: 'Springfield', postalCode: '', country: '' };

  it('puts the postal code where the post office wants it', () => {
    expect(addressLines({ ...base, country: 'US', state: 'IL', postalCode: '62701' })).toEqual(['Ada Reader', '1 Main Street', 'Springfield, IL 62701', 'United States']);
    // An order placed before addresses had a state.
    expect(addressLines({ ...base, country: 'US', postalCode: '62701' })).toEqual(['Ada Reader', '1 Main Street', 'Springfield 62701', 'United States']);
    expect(addressLines({ ...base, country: 'DE', postalCode: '10115', line2: 'Hinterhaus' })).toEqual(['Ada Reader', '1 Main Street', 'Hinterhaus', '10115 Springfield', 'Germany']);
    expect(addressLines({ ...base, country: 'GB', postalCode: 'SW1A 1AA' })).toEqual(['Ada Reader', '1 Main Street', 'Springfield', 'SW1A 1AA', 'United Kingdom']);
  });

  it('checks each country’s postal code format and names it the local way', () => {
    expect(addressProblems({ ...base, country: 'US', state: 'IL', postalCode: '62701-1234' })).toEqual({});
    expect(addressProblems({ ...base, country: 'US', state: 'IL', postalCode: 'SW1A 1AA' }).postalCode).toMatch(/zip code .* such as 94103/);
    expect(addressProblems({ ...base, country: 'NL', postalCode: '1012 AB' })).toEqual({});
    expect(addressProblems({ ...base, country: 'JP', postalCode: '1000001' })).toEqual({});
    expect(addressProblems({ ...base, country: 'XX', postalCode: '1000' }).country).toBe('Choose a country from the list.');
    expect(Object.keys(addressProblems({ name: ' ', line1: '', city: '', postalCode: '', country: 'GB' })).sort()).toEqual(['city', 'line1', 'name', 'postalCode']);
  });

  it('asks a US address for its state, in the order of the form, and sends the state for the US only', () => {
    expect(Object.keys(addressProblems({ name: '', line1: '', city: '', state: '', postalCode: '', country: 'US' }))).toEqual(['name', 'line1', 'city', 'state', 'postalCode']);
    expect(addressProblems({ ...base, country: 'US', state: 'PR', postalCode: '00901' }).state).toBe('Choose the state.');
    expect(addressForApi({ ...base, country: 'US', state: 'NY', postalCode: '10118', line2: ' ' })).toEqual({ ...base, country: 'US', state: 'NY', postalCode: '10118' });
    // The state chosen before switching to another country stays behind.
    expect(addressForApi({ ...base, country: 'GB', state: 'NY', postalCode: 'SW1A 1AA' })).toEqual({ ...base, country: 'GB', postalCode: 'SW1A 1AA' });
  });

  it('offers exactly the states the server takes', () => {
    expect(US_STATES.map((s) => s.code)).toEqual(US_STATE_CODES);
    expect(US_STATES).toHaveLength(51);
  });
});
