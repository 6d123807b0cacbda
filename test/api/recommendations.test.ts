import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type Account, type ApiHarness } from './harness.js';

/** A customer without friends still gets a personal shelf, from their own purchases and ratings. */
describe('personal recommendations', () => {
  let api: ApiHarness;
  let admin: Account;
  let me: Account;
  const books: Record<string, { id: string; title: string }> = {};
  let orders = 0;

  async function buy(account: Account, ...ids: string[]) {
    for (const id of ids) await api.request('PUT', `/api/v1/cart/items/${id}`, { token: account.token, body: { quantity: 1 } });
    const res = await api.request('POST', '/api/v1/orders', { token: account.token, headers: { 'idempotency-key': `buy-${account.id}-${++orders}` } });
    expect(res.status).toBe(201);
  }
  async function rate(account: Account, id: string, rating: number) {
    expect((await api.request('PUT', `/api/v1/books/${id}/review`, { token: account.token, body: { rating } })).status).toBe(201);
  }

  /**
   * I bought Dune and rated it 5. Ann and Ben also liked Dune: Ann liked Hyperion, Ben liked Solaris
   * and Hyperion and rated Eon 2. Cy bought Foundation (Science Fiction) and Emma (Romance) twice each.
   */
  beforeAll(async () => {
    api = await startApi();
    admin = await api.admin();
    const make = async (title: string, category: string, author: string) => {
      books[title] = await api.createBook(admin, { title, category, authors: [author] });
    };
    await make('Dune', 'Science Fiction', 'Frank Herbert');
    await make('Hyperion', 'Science Fiction', 'Dan Simmons');
    await make('Solaris', 'Science Fiction', 'Stanislaw Lem');
    await make('Eon', 'Science Fiction', 'Greg Bear');
    await make('Foundation', 'Science Fiction', 'Isaac Asimov');
    await make('Emma', 'Romance', 'Jane Austen');
    const id = (title: string) => books[title]!.id;

    me = await api.customer('Me');
    const ann = await api.customer('Ann');
    const ben = await api.customer('Ben');
    const cy = await api.customer('Cy');
    await buy(me, id('Dune'));
    await rate(me, id('Dune'), 5);
    await buy(ann, id('Dune'), id('Hyperion'));
    await rate(ann, id('Dune'), 5);
    await rate(ann, id('Hyperion'), 4);
    await buy(ben, id('Dune'), id('Hyperion'), id('Solaris'), id('Eon'));
    await rate(ben, id('Dune'), 4);
    await rate(ben, id('Hyperion'), 5);
    await rate(ben, id('Solaris'), 4);
    await rate(ben, id('Eon'), 2);
    await buy(cy, id('Foundation'), id('Emma'));
    await buy(cy, id('Foundation'));
    await api.store.projections.catchUp();
  });
  afterAll(async () => {
    await api.close();
  });

  it('recommends what people with my taste liked, then best sellers of my category, with reasons', async () => {
    const res = await api.request('GET', '/api/v1/recommendations', { token: me.token });
    expect(res.status).toBe(200);
    const shelf = res.body.items.map((i: { book: { title: string }; reason: string; reasonKind: string; friendCount: number }) => [i.book.title, i.reasonKind, i.reason, i.friendCount]);
    expect(shelf).toEqual([
      ['Hyperion', 'similar-taste', 'because you rated Dune 5 stars', 0],
      ['Solaris', 'similar-taste', 'because you rated Dune 5 stars', 0],
      ['Foundation', 'category', 'popular in Science Fiction', 0],
      ['Eon', 'category', 'popular in Science Fiction', 0],
    ]);
  });

  it('never recommends a book I rated, and follows my ratings as they change', async () => {
    await buy(me, books['Hyperion']!.id);
    await rate(me, books['Hyperion']!.id, 1);
    await api.store.projections.catchUp();
    const titles = (await api.request('GET', '/api/v1/recommendations', { token: me.token })).body.items.map((i: { book: { title: string } }) => i.book.title);
    expect(titles).not.toContain('Hyperion');
    expect(titles).not.toContain('Dune');
    expect(titles[0]).toBe('Solaris');
  });
});
