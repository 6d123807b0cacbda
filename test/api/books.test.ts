import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, nextIsbn, problemFields, startApi, type Account, type ApiHarness } from './harness.js';

const BOOK_KEYS = ['authors', 'category', 'coverUrl', 'currency', 'description', 'id', 'isbn', 'price', 'rating', 'reviewCount', 'stock', 'title', 'year'];

describe('catalog', () => {
  let api: ApiHarness;
  let admin: Account;
  let customer: Account;

  beforeAll(async () => {
    api = await startApi();
    admin = await api.admin();
    customer = await api.customer();
  });
  afterAll(async () => {
    await api.close();
  });

  it('creates a book (admin) with Location and ETag, and shows exactly the public fields', async () => {
    const isbn = nextIsbn();
    const res = await api.request('POST', '/api/v1/books', {
      token: admin.token,
      body: { isbn, title: 'Dune', authors: ['Frank Herbert'], category: 'Science Fiction', description: 'Spice.', price: 1899, currency: 'USD', coverUrl: 'https://covers.example/dune.jpg', rating: 4.6, year: 1965 },
    });
    expect(res.status).toBe(201);
    expect(Object.keys(res.body).sort()).toEqual(BOOK_KEYS);
    expect(res.body).toMatchObject({ isbn, title: 'Dune', price: 1899, currency: 'USD', rating: 4.6, year: 1965 });
    expect(res.headers.get('location')).toBe(`/api/v1/books/${res.body.id}`);
    expect(res.headers.get('etag')).toBe(`"${res.body.id}.v1"`);

    const fetched = await api.request('GET', res.headers.get('location')!);
    expect(fetched.status).toBe(200);
    expect(fetched.body).toEqual(res.body);
    expect(fetched.headers.get('etag')).toBe(`"${res.body.id}.v1"`);
  });

  it('answers 304 to a matching If-None-Match', async () => {
    const book = await api.createBook(admin);
    const first = await api.request('GET', `/api/v1/books/${book.id}`);
    const again = await api.request('GET', `/api/v1/books/${book.id}`, { headers: { 'if-none-match': first.headers.get('etag')! } });
    expect(again.status).toBe(304);
    expect(again.body).toBeNull();
    const stale = await api.request('GET', `/api/v1/books/${book.id}`, { headers: { 'if-none-match': `"${book.id}.v0"` } });
    expect(stale.status).toBe(200);
  });

  it('answers 404 problem for an unknown book and for an unknown route', async () => {
    const res = await api.request('GET', '/api/v1/books/00000000000000000000000000');
    expect(expectProblem(res, 404).instance).toBe('/api/v1/books/00000000000000000000000000');
    expectProblem(await api.request('GET', '/api/v1/no-such-thing'), 404);
  });

  it('lets only admins write the catalog', async () => {
    const body = { isbn: nextIsbn(), title: 'T', authors: ['A'], category: 'C', price: 100, currency: 'USD', rating: 3, year: 2001 };
    expectProblem(await api.request('POST', '/api/v1/books', { token: customer.token, body }), 403);
    expectProblem(await api.request('POST', '/api/v1/books', { body }), 401);
    const book = await api.createBook(admin);
    const etag = `"${book.id}.v1"`;
    expectProblem(await api.request('PATCH', `/api/v1/books/${book.id}`, { token: customer.token, headers: { 'if-match': etag }, body: { price: 1 } }), 403);
    expectProblem(await api.request('DELETE', `/api/v1/books/${book.id}`, { token: customer.token, headers: { 'if-match': etag } }), 403);
    expect((await api.request('GET', `/api/v1/books/${book.id}`)).body.price).toBe(book.price);
  });

  it('patches with If-Match: 428 without it, 412 when stale, the new version otherwise', async () => {
    const book = await api.createBook(admin, { title: 'Patch Me', price: 1500 });
    const missing = await api.request('PATCH', `/api/v1/books/${book.id}`, { token: admin.token, body: { price: 1200 } });
    expectProblem(missing, 428);
    expect(problemFields(missing)).toEqual(['If-Match']);

    const ok = await api.request('PATCH', `/api/v1/books/${book.id}`, { token: admin.token, headers: { 'if-match': `"${book.id}.v1"` }, body: { price: 1200 } });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ id: book.id, title: 'Patch Me', price: 1200 });
    expect(ok.headers.get('etag')).toBe(`"${book.id}.v2"`);

    const stale = await api.request('PATCH', `/api/v1/books/${book.id}`, { token: admin.token, headers: { 'if-match': `"${book.id}.v1"` }, body: { price: 900 } });
    expectProblem(stale, 412);
    const otherBook = await api.request('PATCH', `/api/v1/books/${book.id}`, { token: admin.token, headers: { 'if-match': '"someone-else.v2"' }, body: { price: 900 } });
    expectProblem(otherBook, 412);
    expect((await api.request('GET', `/api/v1/books/${book.id}`)).body.price).toBe(1200);
  });

  it('rejects empty, mistyped and unknown patch fields by name', async () => {
    const book = await api.createBook(admin);
    const ifMatch = { 'if-match': `"${book.id}.v1"` };
    const empty = await api.request('PATCH', `/api/v1/books/${book.id}`, { token: admin.token, headers: ifMatch, body: {} });
    expectProblem(empty, 400);
    const mistyped = await api.request('PATCH', `/api/v1/books/${book.id}`, { token: admin.token, headers: ifMatch, body: { price: '12.99' } });
    expect(problemFields(mistyped)).toEqual(['price']);
    const unknown = await api.request('PATCH', `/api/v1/books/${book.id}`, { token: admin.token, headers: ifMatch, body: { version: 7 } });
    expect(problemFields(unknown)).toEqual(['version']);
    const badIsbn = await api.request('PATCH', `/api/v1/books/${book.id}`, { token: admin.token, headers: ifMatch, body: { isbn: '9780000000000' } });
    expectProblem(badIsbn, 422);
    expect(problemFields(badIsbn)).toEqual(['isbn']);
    const badAuthor = await api.request('PATCH', `/api/v1/books/${book.id}`, { token: admin.token, headers: ifMatch, body: { authors: ['ok', 3] } });
    expect(problemFields(badAuthor)).toEqual(['authors/1']);
  });

  it('deletes with If-Match: 428 without it, 412 when stale, 204 then 404', async () => {
    const book = await api.createBook(admin);
    expectProblem(await api.request('DELETE', `/api/v1/books/${book.id}`, { token: admin.token }), 428);
    expectProblem(await api.request('DELETE', `/api/v1/books/${book.id}`, { token: admin.token, headers: { 'if-match': `"${book.id}.v9"` } }), 412);
    const gone = await api.request('DELETE', `/api/v1/books/${book.id}`, { token: admin.token, headers: { 'if-match': `"${book.id}.v1"` } });
    expect(gone.status).toBe(204);
    expectProblem(await api.request('GET', `/api/v1/books/${book.id}`), 404);
  });

  it('refuses a second book with the same ISBN', async () => {
    const isbn = nextIsbn();
    await api.createBook(admin, { isbn });
    const dup = await api.request('POST', '/api/v1/books', {
      token: admin.token,
      body: { isbn, title: 'Copy', authors: ['A'], category: 'C', price: 100, currency: 'USD', rating: 3, year: 2001 },
    });
    expect(expectProblem(dup, 409).code).toBe('isbn-taken');
  });

  it('lists books page by page and categories with counts', async () => {
    const own = await startApi();
    try {
      const ownAdmin = await own.admin();
      for (const [title, category] of [['Alpha', 'Poetry'], ['Bravo', 'Poetry'], ['Charlie', 'Drama'], ['Delta', 'Poetry'], ['Echo', 'Drama']] as const) {
        await own.createBook(ownAdmin, { title, category });
      }
      const first = await own.request('GET', '/api/v1/books?limit=2');
      expect(first.body.items.map((b: { title: string }) => b.title)).toEqual(['Alpha', 'Bravo']);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const second = await own.request('GET', `/api/v1/books?limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`);
      expect(second.body.items.map((b: { title: string }) => b.title)).toEqual(['Charlie', 'Delta']);
      const poetry = await own.request('GET', '/api/v1/books?category=Poetry');
      expect(poetry.body.items.map((b: { title: string }) => b.title)).toEqual(['Alpha', 'Bravo', 'Delta']);
      expect(poetry.body.nextCursor).toBeNull();

      const categories = await own.request('GET', '/api/v1/categories');
      expect(categories.body.categories).toEqual([
        { name: 'Drama', count: 2 },
        { name: 'Poetry', count: 3 },
      ]);
    } finally {
      await own.close();
    }
  });

  it('names the bad query parameter: limit, cursor, unknown ones', async () => {
    const badLimit = await api.request('GET', '/api/v1/books?limit=0');
    expectProblem(badLimit, 400);
    expect(problemFields(badLimit)).toEqual(['limit']);
    expect(problemFields(await api.request('GET', '/api/v1/books?limit=ten'))).toEqual(['limit']);
    const badCursor = await api.request('GET', '/api/v1/books?cursor=not-a-cursor');
    expectProblem(badCursor, 422);
    expect(problemFields(badCursor)).toEqual(['cursor']);
    const unknown = await api.request('GET', '/api/v1/books?sortBy=price');
    expect(problemFields(unknown)).toEqual(['sortBy']);
  });

  it('names missing and mistyped fields of a new book', async () => {
    const base = { isbn: nextIsbn(), title: 'T', authors: ['A'], category: 'C', price: 100, currency: 'USD', rating: 3, year: 2001 };
    const { title: _title, ...noTitle } = base;
    expect(problemFields(await api.request('POST', '/api/v1/books', { token: admin.token, body: noTitle }))).toEqual(['title']);
    expect(problemFields(await api.request('POST', '/api/v1/books', { token: admin.token, body: { ...base, price: 12.5 } }))).toEqual(['price']);
    expect(problemFields(await api.request('POST', '/api/v1/books', { token: admin.token, body: { ...base, price: -1 } }))).toEqual(['price']);
    expect(problemFields(await api.request('POST', '/api/v1/books', { token: admin.token, body: { ...base, currency: 'usd' } }))).toEqual(['currency']);
    expect(problemFields(await api.request('POST', '/api/v1/books', { token: admin.token, body: { ...base, currency: 'ZZZ' } }))).toEqual(['currency']);
    expect(problemFields(await api.request('POST', '/api/v1/books', { token: admin.token, body: { ...base, coverUrl: 'javascript:alert(1)' } }))).toEqual(['coverUrl']);
  });
});
