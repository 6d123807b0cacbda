import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toSearchDocument } from '../../src/projections/search-projection.js';
import { expectProblem, problemFields, startApi, type Account, type ApiHarness } from './harness.js';

/**
 * The drift audit over the profile under test: drift is injected into each derived store directly
 * through its adapter, the audit finds exactly that, the repair fixes it, and a second audit is clean.
 */
describe('drift audit', () => {
  let api: ApiHarness;
  let admin: Account, ann: Account, ben: Account;
  let books: Array<{ id: string; version: number; category: string }>;

  async function buy(account: Account, items: Array<{ id: string }>, quantity: number) {
    for (const book of items) await api.request('PUT', `/api/v1/cart/items/${book.id}`, { token: account.token, body: { quantity } });
    const res = await api.request('POST', '/api/v1/orders', { token: account.token, headers: { 'idempotency-key': `audit-${account.id}` } });
    expect(res.status).toBe(201);
  }

  const audit = (body: object) => api.request('POST', '/api/v1/admin/audit', { token: admin.token, body });
  const keysOf = (report: any, store: string) => report.stores.find((s: any) => s.store === store).differences.map((d: any) => d.key).sort();

  beforeAll(async () => {
    api = await startApi();
    admin = await api.admin();
    books = [
      await api.createBook(admin, { title: 'Audit One', category: 'Fiction' }),
      await api.createBook(admin, { title: 'Audit Two', category: 'History' }),
      await api.createBook(admin, { title: 'Audit Three', category: 'Fiction' }),
    ];
    [ann, ben] = [await api.customer('Ann'), await api.customer('Ben')];
    await api.request('PUT', `/api/v1/friends/${ben.id}`, { token: ann.token });
    await api.request('PUT', `/api/v1/friends/${ann.id}`, { token: ben.token });
    await buy(ann, [books[0]!, books[1]!], 2);
    await buy(ben, [books[0]!], 1);
    await api.store.projections.catchUp();
  });
  afterAll(async () => {
    await api.close();
  });

  it('finds no drift in stores the change feed kept', async () => {
    const res = await audit({});
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ repair: false, drift: 0, remaining: 0 });
    expect(res.body.stores.map((s: any) => [s.store, s.drift])).toEqual([['search', 0], ['bestsellers', 0], ['graph', 0]]);
    expect(res.body.stores.every((s: any) => s.checked > 0)).toBe(true);
    expect((await api.request('GET', '/api/v1/admin/audit', { token: admin.token })).body.audit).toEqual(res.body);
  });

  it('finds search drift injected through the adapter, repairs exactly it, and is clean after', async () => {
    const [one, two] = books as [(typeof books)[0], (typeof books)[0]];
    const book = await api.store.catalog.get(one.id);
    await api.store.searchIndex.remove([{ id: one.id, version: book!.version }]);
    await api.store.searchIndex.upsert([{ ...toSearchDocument((await api.store.catalog.get(two.id))!), id: 'ghost-book', version: 7 }]);

    const found = await audit({ stores: ['search'] });
    expect(found.body.drift).toBe(2);
    expect(keysOf(found.body, 'search')).toEqual([`book ${one.id}`, 'book ghost-book']);

    const repaired = await audit({ stores: ['search'], repair: true });
    expect(repaired.body.stores[0]).toMatchObject({ store: 'search', drift: 2, repaired: 2, remaining: 0 });
    expect((await audit({ stores: ['search'] })).body.drift).toBe(0);
    const hits = await api.request('GET', '/api/v1/search?q=audit%20one');
    expect(hits.body.hits.map((h: any) => h.book.id)).toContain(one.id);
  });

  it('finds bestseller drift injected through the adapter, repairs exactly it, and is clean after', async () => {
    const [one, two] = books as [(typeof books)[0], (typeof books)[0]];
    await api.store.bestsellers.record({ orderId: 'ghost-order', at: Date.now(), lines: [{ bookId: one.id, category: 'Fiction', quantity: 5 }] });
    await api.store.bestsellers.recount(two.id, []);

    const found = await audit({ stores: ['bestsellers'] });
    const keys = keysOf(found.body, 'bestsellers');
    // Book one: 3 sold, 8 counted; book two: 2 sold, none counted; in every window, overall and in its category.
    expect(keys).toEqual(
      ['all', '7d', '1d']
        .flatMap((w) => [`${w} overall ${one.id}`, `${w} category:Fiction ${one.id}`, `${w} overall ${two.id}`, `${w} category:History ${two.id}`])
        .sort(),
    );
    expect(found.body.stores[0].differences.find((d: any) => d.key === `all overall ${one.id}`)).toEqual({ key: `all overall ${one.id}`, expected: 3, actual: 8 });

    const repaired = await audit({ stores: ['bestsellers'], repair: true });
    expect(repaired.body.stores[0]).toMatchObject({ drift: 12, repaired: 12, remaining: 0 });
    expect((await audit({ stores: ['bestsellers'] })).body.drift).toBe(0);
    const board = await api.request('GET', '/api/v1/bestsellers?window=all');
    expect(board.body.items.map((i: any) => [i.book.id, i.units])).toEqual([
      [one.id, 3],
      [two.id, 2],
    ]);
  });

  it('finds graph drift injected through the adapter, repairs exactly it, and is clean after', async () => {
    const [one, two, three] = books as [(typeof books)[0], (typeof books)[0], (typeof books)[0]];
    await api.store.graph.apply([
      { kind: 'friendship', userA: ann.id, userB: ben.id, friends: false },
      { kind: 'purchase', userId: ben.id, bookIds: [three.id] },
      { kind: 'purchase', userId: ann.id, bookIds: [two.id], bought: false },
    ]);

    const found = await audit({ stores: ['graph'] });
    expect(keysOf(found.body, 'graph')).toEqual(
      [`friendOf ${ann.id} ${ben.id}`, `friendOf ${ben.id} ${ann.id}`, `purchased ${ben.id} ${three.id}`, `purchased ${ann.id} ${two.id}`].sort(),
    );

    const repaired = await audit({ stores: ['graph'], repair: true });
    expect(repaired.body.stores[0]).toMatchObject({ drift: 4, repaired: 4, remaining: 0 });
    expect((await audit({})).body).toMatchObject({ drift: 0, remaining: 0 });
    expect((await api.store.graph.alsoBought(one.id, 10)).map((r) => r.bookId)).toEqual([two.id]);
  });

  it('audits every store when the body is left out', async () => {
    const res = await api.request('POST', '/api/v1/admin/audit', { token: admin.token });
    expect(res.status).toBe(200);
    expect(res.body.stores.map((s: any) => s.store)).toEqual(['search', 'bestsellers', 'graph']);
    // A body of JSON null is a body, and not the object the document asks for.
    expectProblem(await api.request('POST', '/api/v1/admin/audit', { token: admin.token, rawBody: 'null' }), 400);
  });

  it('is for admins only and refuses an unknown store by name', async () => {
    expectProblem(await api.request('POST', '/api/v1/admin/audit', { token: ann.token, body: {} }), 403);
    expectProblem(await api.request('GET', '/api/v1/admin/audit'), 401);
    const bad = await audit({ stores: ['book-cache'] });
    expectProblem(bad, 400);
    expect(problemFields(bad)[0]).toMatch(/^stores/);
  });
});
