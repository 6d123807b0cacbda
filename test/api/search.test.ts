import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, problemFields, startApi, type Account, type ApiHarness } from './harness.js';

const CATALOG = [
  { title: "Harry Potter and the Philosopher's Stone", authors: ['J.K. Rowling'], category: 'Fantasy', price: 899, rating: 4.7, year: 1997 },
  { title: 'Harry Potter and the Chamber of Secrets', authors: ['J.K. Rowling'], category: 'Fantasy', price: 999, rating: 4.6, year: 1998 },
  { title: 'The Hobbit', authors: ['J.R.R. Tolkien'], category: 'Fantasy', price: 1299, rating: 4.8, year: 1937 },
  { title: 'The Lord of the Rings', authors: ['J.R.R. Tolkien'], category: 'Fantasy', price: 2999, rating: 4.9, year: 1954 },
  { title: 'Pride and Prejudice', authors: ['Jane Austen'], category: 'Classics', price: 599, rating: 4.5, year: 1813 },
  { title: 'Dune', authors: ['Frank Herbert'], category: 'Science Fiction', price: 1899, rating: 4.4, year: 1965 },
  { title: 'A Brief History of Time', authors: ['Stephen Hawking'], category: 'Science', price: 5599, rating: 4.2, year: 1988 },
];

type Hit = { book: { id: string; title: string; price: number }; highlights: Record<string, string>; score: number };

describe('search', () => {
  let api: ApiHarness;
  let admin: Account;
  const ids = new Map<string, string>();

  beforeAll(async () => {
    api = await startApi();
    admin = await api.admin();
    for (const book of CATALOG) ids.set(book.title, (await api.createBook(admin, { ...book, description: `All about ${book.title}.` })).id);
    await api.store.projections.catchUp();
  });
  afterAll(async () => {
    await api.close();
  });

  const titles = (hits: Hit[]) => hits.map((h) => h.book.title);

  it('tolerates typos: "hary poter" finds Harry Potter and says what it searched for', async () => {
    const res = await api.request('GET', `/api/v1/search?q=${encodeURIComponent('hary poter')}`);
    expect(res.status).toBe(200);
    expect(titles(res.body.hits).slice(0, 2).sort()).toEqual(['Harry Potter and the Chamber of Secrets', "Harry Potter and the Philosopher's Stone"]);
    expect(res.body.correctedQuery).toBe('harry potter');
    expect(res.body.hits[0].highlights.title).toContain('<mark>');
    expect(Object.keys(res.body.hits[0].book).sort()).toEqual(['authors', 'category', 'coverUrl', 'currency', 'description', 'id', 'isbn', 'price', 'rating', 'stock', 'title', 'year']);
  });

  it('searches the words exactly as typed with autocorrect=false, the "search instead for" link', async () => {
    const res = await api.request('GET', `/api/v1/search?q=${encodeURIComponent('hary poter')}&autocorrect=false`);
    expect(res.status).toBe(200);
    expect(res.body.hits).toEqual([]);
    expect(res.body.correctedQuery).toBeUndefined();
    const exact = await api.request('GET', '/api/v1/search?q=hobbit&autocorrect=false');
    expect(titles(exact.body.hits)).toContain('The Hobbit');
    expectProblem(await api.request('GET', '/api/v1/search?q=hobbit&autocorrect=maybe'), 400);
  });

  it('tolerates typos in authors and titles together: "tolkein hobit"', async () => {
    const res = await api.request('GET', `/api/v1/search?q=${encodeURIComponent('tolkein hobit')}`);
    expect(titles(res.body.hits)[0]).toBe('The Hobbit');
  });

  it('counts disjunctive facets: the category facet ignores the category filter', async () => {
    const res = await api.request('GET', '/api/v1/search?category=Fantasy');
    expect(res.body.total).toBe(4);
    expect(res.body.hits.every((h: Hit & { book: { category: string } }) => h.book.category === 'Fantasy')).toBe(true);
    const categories = Object.fromEntries(res.body.facets.categories.map((c: { value: string; count: number }) => [c.value, c.count]));
    expect(categories).toEqual({ Fantasy: 4, Classics: 1, 'Science Fiction': 1, Science: 1 });
    const ranges = Object.fromEntries(res.body.facets.priceRanges.map((r: { key: string; count: number }) => [r.key, r.count]));
    expect(ranges).toMatchObject({ '0-10': 2, '10-20': 1, '20-30': 1 });
  });

  it('filters by price and rating, and sorts', async () => {
    const cheap = await api.request('GET', '/api/v1/search?maxPrice=999&sort=price_asc');
    expect(titles(cheap.body.hits)).toEqual(['Pride and Prejudice', "Harry Potter and the Philosopher's Stone", 'Harry Potter and the Chamber of Secrets']);
    const rated = await api.request('GET', '/api/v1/search?minRating=4.8&sort=rating');
    expect(titles(rated.body.hits)).toEqual(['The Lord of the Rings', 'The Hobbit']);
  });

  it('pages with an opaque cursor', async () => {
    const first = await api.request('GET', '/api/v1/search?sort=price_desc&limit=3');
    expect(first.body.hits).toHaveLength(3);
    const second = await api.request('GET', `/api/v1/search?sort=price_desc&limit=3&cursor=${encodeURIComponent(first.body.nextCursor)}`);
    const seen = [...titles(first.body.hits), ...titles(second.body.hits)];
    expect(new Set(seen).size).toBe(6);
  });

  it('jumps to a numbered page: the same hits as following the cursors, with one filter and sort', async () => {
    const byCursor: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { hits: Hit[]; nextCursor: string | null } } = await api.request('GET', `/api/v1/search?category=Fantasy&sort=price_asc&limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      byCursor.push(...titles(res.body.hits));
      cursor = res.body.nextCursor;
    } while (cursor !== null);
    const byPage: string[] = [];
    for (const page of [1, 2]) {
      const res = await api.request('GET', `/api/v1/search?category=Fantasy&sort=price_asc&limit=3&page=${page}`);
      expect(res.status).toBe(200);
      expect(res.body.total).toBe(4);
      byPage.push(...titles(res.body.hits));
    }
    expect(byPage).toEqual(byCursor);
    expect(byPage).toEqual(["Harry Potter and the Philosopher's Stone", 'Harry Potter and the Chamber of Secrets', 'The Hobbit', 'The Lord of the Rings']);
    // A page past the last hit is empty, not an error: the pager may be a page ahead of a shrinking shelf.
    const past = await api.request('GET', '/api/v1/search?category=Fantasy&limit=3&page=3');
    expect(past.status).toBe(200);
    expect(past.body.hits).toEqual([]);
    expect(past.body.nextCursor).toBeNull();
  });

  it('refuses a page number beyond the bound (400) and a page with a cursor (422), naming page', async () => {
    const first = await api.request('GET', '/api/v1/search?limit=2');
    for (const [query, status] of [
      ['page=101', 400],
      ['page=100000000', 400],
      ['page=0', 400],
      ['page=1.5', 400],
      [`page=2&limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`, 422],
    ] as const) {
      const res = await api.request('GET', `/api/v1/search?${query}`);
      expectProblem(res, status);
      expect(problemFields(res)).toEqual(['page']);
    }
    expect((await api.request('GET', '/api/v1/search?page=100&limit=50')).status).toBe(200);
  });

  it('names the bad parameter: 400 against the schema, 422 for a rule it cannot express', async () => {
    const cases: Array<[string, string, number]> = [
      [`q=${'a'.repeat(201)}`, 'q', 400],
      ['minPrice=2000&maxPrice=1000', 'minPrice', 422],
      ['minPrice=-1', 'minPrice', 400],
      ['minRating=6', 'minRating', 400],
      ['sort=cheapest', 'sort', 400],
      ['limit=0', 'limit', 400],
      ['cursor=bogus', 'cursor', 422],
      ['colour=red', 'colour', 400],
    ];
    for (const [query, field, status] of cases) {
      const res = await api.request('GET', `/api/v1/search?${query}`);
      expectProblem(res, status);
      expect(problemFields(res)).toEqual([field]);
    }
  });

  it('suggests completions as you type', async () => {
    const res = await api.request('GET', '/api/v1/search/suggest?q=hob');
    expect(res.status).toBe(200);
    expect(res.body.suggestions.map((s: { text: string }) => s.text.toLowerCase())).toContain('the hobbit');
    expect(res.body.suggestions[0].highlighted).toContain('<mark>');
    // A book's title comes with what the storefront shows beside it.
    const hobbit = res.body.suggestions.find((s: { text: string }) => s.text === 'The Hobbit');
    expect(hobbit).toMatchObject({ bookId: expect.any(String), authors: ['J.R.R. Tolkien'] });
    expectProblem(await api.request('GET', '/api/v1/search/suggest'), 400);
  });

  it('follows catalog changes once the projection catches up', async () => {
    const id = ids.get('Dune')!;
    await api.request('DELETE', `/api/v1/books/${id}`, { token: admin.token, headers: { 'if-match': `"${id}.v1"` } });
    await api.store.projections.catchUp();
    const res = await api.request('GET', '/api/v1/search?q=dune');
    expect(res.body.hits.map((h: Hit) => h.book.id)).not.toContain(id);
  });
});
