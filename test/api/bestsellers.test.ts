import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, problemFields, startApi, type Account, type ApiHarness } from './harness.js';

type Item = { rank: number; units: number; book: { id: string; title: string } };

describe('bestsellers', () => {
  let api: ApiHarness;
  let admin: Account;
  let a: { id: string }, b: { id: string }, c: { id: string };

  async function buy(account: Account, key: string, lines: Array<[{ id: string }, number]>) {
    for (const [book, quantity] of lines) {
      await api.request('PUT', `/api/v1/cart/items/${book.id}`, { token: account.token, body: { quantity } });
    }
    const res = await api.request('POST', '/api/v1/orders', { token: account.token, headers: { 'idempotency-key': key } });
    expect(res.status).toBe(201);
  }

  const ranking = (items: Item[]) => items.map((i) => [i.rank, i.book.title, i.units]);

  beforeAll(async () => {
    api = await startApi();
    admin = await api.admin();
    a = await api.createBook(admin, { title: 'Book A', category: 'Fiction' });
    b = await api.createBook(admin, { title: 'Book B', category: 'Fiction' });
    c = await api.createBook(admin, { title: 'Book C', category: 'Poetry' });
    const [u1, u2, u3] = [await api.customer(), await api.customer(), await api.customer()];
    await buy(u1!, 'best-u1-order-1', [[a, 3], [b, 1]]);
    await buy(u2!, 'best-u2-order-1', [[a, 2], [c, 4]]);
    await buy(u3!, 'best-u3-order-1', [[b, 5]]);
    await api.store.projections.catchUp();
  });
  afterAll(async () => {
    await api.close();
  });

  it('ranks books by the units ordered', async () => {
    const res = await api.request('GET', '/api/v1/bestsellers');
    expect(res.status).toBe(200);
    expect(res.body.window).toBe('all');
    expect(res.body.category).toBeNull();
    expect(ranking(res.body.items)).toEqual([
      [1, 'Book B', 6],
      [2, 'Book A', 5],
      [3, 'Book C', 4],
    ]);
  });

  it('counts each order exactly once when events are delivered again', async () => {
    await api.store.projections.rewind('bestsellers', 0);
    await api.store.projections.catchUp();
    const res = await api.request('GET', '/api/v1/bestsellers');
    expect(ranking(res.body.items)).toEqual([
      [1, 'Book B', 6],
      [2, 'Book A', 5],
      [3, 'Book C', 4],
    ]);
  });

  it('filters by category and rolling window, and limits', async () => {
    const poetry = await api.request('GET', '/api/v1/bestsellers?category=Poetry');
    expect(poetry.body.category).toBe('Poetry');
    expect(ranking(poetry.body.items)).toEqual([[1, 'Book C', 4]]);
    const today = await api.request('GET', '/api/v1/bestsellers?window=1d&limit=2');
    expect(today.body.window).toBe('1d');
    expect(ranking(today.body.items)).toEqual([
      [1, 'Book B', 6],
      [2, 'Book A', 5],
    ]);
  });

  it('names a bad window or limit', async () => {
    const window = await api.request('GET', '/api/v1/bestsellers?window=2d');
    expectProblem(window, 400);
    expect(problemFields(window)).toEqual(['window']);
    expect(problemFields(await api.request('GET', '/api/v1/bestsellers?limit=101'))).toEqual(['limit']);
    expect(problemFields(await api.request('GET', '/api/v1/bestsellers?limit=0'))).toEqual(['limit']);
  });

  it('leaves out books that left the catalog', async () => {
    await api.request('DELETE', `/api/v1/books/${b.id}`, { token: admin.token, headers: { 'if-match': `"${b.id}.v1"` } });
    const res = await api.request('GET', '/api/v1/bestsellers');
    expect(ranking(res.body.items)).toEqual([
      [1, 'Book A', 5],
      [2, 'Book C', 4],
    ]);
  });
});
