import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, fillCart, problemFields, startApi, type Account, type ApiHarness } from './harness.js';

const ADDRESS = { name: 'Ada Lovelace', line1: '12 St James Square', city: 'London', postalCode: 'SW1Y 4JH', country: 'GB' };

describe('checkout and orders', () => {
  let api: ApiHarness;
  let admin: Account;

  beforeAll(async () => {
    api = await startApi();
    admin = await api.admin();
  });
  afterAll(async () => {
    await api.close();
  });

  async function orderEvents(orderId: string) {
    const events = await api.changes();
    return events.filter((e) => e.entity === 'order' && e.key === orderId);
  }

  it('needs a well-formed Idempotency-Key, named in the problem', async () => {
    const alice = await api.customer();
    const missing = await api.request('POST', '/api/v1/orders', { token: alice.token });
    expectProblem(missing, 400);
    expect(problemFields(missing)).toEqual(['Idempotency-Key']);
    const short = await api.request('POST', '/api/v1/orders', { token: alice.token, headers: { 'idempotency-key': 'abc' } });
    expect(problemFields(short)).toEqual(['Idempotency-Key']);
    const spaces = await api.request('POST', '/api/v1/orders', { token: alice.token, headers: { 'idempotency-key': 'has spaces in it' } });
    expect(problemFields(spaces)).toEqual(['Idempotency-Key']);
  });

  it('refuses an empty cart with a 409 code', async () => {
    const alice = await api.customer();
    const res = await api.request('POST', '/api/v1/orders', { token: alice.token, headers: { 'idempotency-key': 'empty-cart-0001' } });
    expect(expectProblem(res, 409).code).toBe('cart-empty');
  });

  it('places an order priced from the catalog, empties the cart, and replays it for the same key', async () => {
    const alice = await api.customer();
    const a = await api.createBook(admin, { title: 'Book A', price: 1250, category: 'Essays' });
    const b = await api.createBook(admin, { title: 'Book B', price: 799 });
    await fillCart(api, alice, [
      { id: a.id, quantity: 2 },
      { id: b.id, quantity: 1 },
    ]);
    const placed = await api.request('POST', '/api/v1/orders', { token: alice.token, headers: { 'idempotency-key': 'order-alice-0001' }, body: { shippingAddress: ADDRESS } });
    expect(placed.status).toBe(201);
    const order = placed.body.order;
    expect(placed.headers.get('location')).toBe(`/api/v1/orders/${order.id}`);
    expect(order).toMatchObject({ total: 2 * 1250 + 799, itemCount: 3, currency: 'USD', status: 'placed', shippingAddress: ADDRESS });
    expect(order.lines).toEqual([
      { bookId: a.id, isbn: a.isbn, title: 'Book A', category: 'Essays', unitPrice: 1250, quantity: 2, lineTotal: 2500 },
      { bookId: b.id, isbn: b.isbn, title: 'Book B', category: 'Fiction', unitPrice: 799, quantity: 1, lineTotal: 799 },
    ]);
    expect(Object.keys(order)).not.toContain('userId');
    expect((await api.request('GET', '/api/v1/cart', { token: alice.token })).body.lines).toEqual([]);

    // A retry of the same request returns the same order, even though the cart is now empty.
    const replay = await api.request('POST', '/api/v1/orders', { token: alice.token, headers: { 'idempotency-key': 'order-alice-0001' } });
    expect(replay.status).toBe(200);
    expect(replay.body.order).toEqual(order);

    // A later catalog change does not change a placed order.
    await api.request('PATCH', `/api/v1/books/${a.id}`, { token: admin.token, headers: { 'if-match': `"${a.id}.v1"` }, body: { price: 1 } });
    expect((await api.request('GET', `/api/v1/orders/${order.id}`, { token: alice.token })).body.order.total).toBe(3299);
  });

  it('places exactly one order for ten concurrent retries with one key', async () => {
    const alice = await api.customer();
    const book = await api.createBook(admin, { price: 1500 });
    await fillCart(api, alice, [{ id: book.id, quantity: 2 }]);
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => api.request('POST', '/api/v1/orders', { token: alice.token, headers: { 'idempotency-key': 'concurrent-key-0001' } })),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    const ids = new Set(responses.map((r) => r.body.order.id));
    expect(ids.size).toBe(1);
    const [orderId] = [...ids] as [string];
    expect(responses.every((r) => r.body.order.total === 3000)).toBe(true);

    const list = await api.request('GET', '/api/v1/orders', { token: alice.token });
    expect(list.body.items.map((o: { id: string }) => o.id)).toEqual([orderId]);
    expect((await api.request('GET', '/api/v1/cart', { token: alice.token })).body.lines).toEqual([]);
    const events = await orderEvents(orderId);
    expect(events).toHaveLength(1);
    expect(events[0]!.op).toBe('insert');
  });

  it('treats a new key as a new order', async () => {
    const alice = await api.customer();
    const book = await api.createBook(admin, { price: 100 });
    await fillCart(api, alice, [{ id: book.id, quantity: 1 }]);
    const first = await api.request('POST', '/api/v1/orders', { token: alice.token, headers: { 'idempotency-key': 'first-key-0001' } });
    await fillCart(api, alice, [{ id: book.id, quantity: 4 }]);
    const second = await api.request('POST', '/api/v1/orders', { token: alice.token, headers: { 'idempotency-key': 'second-key-0001' } });
    expect(second.status).toBe(201);
    expect(second.body.order.id).not.toBe(first.body.order.id);
    expect(second.body.order.total).toBe(400);

    const page1 = await api.request('GET', '/api/v1/orders?limit=1', { token: alice.token });
    expect(page1.body.items.map((o: { id: string }) => o.id)).toEqual([second.body.order.id]);
    const page2 = await api.request('GET', `/api/v1/orders?limit=1&cursor=${encodeURIComponent(page1.body.nextCursor)}`, { token: alice.token });
    expect(page2.body.items.map((o: { id: string }) => o.id)).toEqual([first.body.order.id]);
    expect(page2.body.nextCursor).toBeNull();
    const badCursor = await api.request('GET', '/api/v1/orders?cursor=garbage', { token: alice.token });
    expectProblem(badCursor, 422);
    expect(problemFields(badCursor)).toEqual(['cursor']);
  });

  it("hides one customer's orders from another", async () => {
    const alice = await api.customer('Alice');
    const bob = await api.customer('Bob');
    const book = await api.createBook(admin);
    await fillCart(api, alice, [{ id: book.id, quantity: 1 }]);
    const placed = await api.request('POST', '/api/v1/orders', { token: alice.token, headers: { 'idempotency-key': 'private-order-01' } });
    const orderId = placed.body.order.id;

    const peek = await api.request('GET', `/api/v1/orders/${orderId}`, { token: bob.token });
    expectProblem(peek, 404);
    const missing = await api.request('GET', '/api/v1/orders/00000000000000000000000000', { token: bob.token });
    expect(peek.body.detail.replace(orderId, 'X')).toBe(missing.body.detail.replace('00000000000000000000000000', 'X'));
    expect((await api.request('GET', '/api/v1/orders', { token: bob.token })).body.items).toEqual([]);

    // Bob reusing Alice's key places nothing of hers: his own (empty) cart is what counts.
    const reuse = await api.request('POST', '/api/v1/orders', { token: bob.token, headers: { 'idempotency-key': 'private-order-01' } });
    expect(expectProblem(reuse, 409).code).toBe('cart-empty');
    expectProblem(await api.request('GET', `/api/v1/orders/${orderId}`), 401);
  });

  it('names the bad field of a shipping address', async () => {
    const alice = await api.customer();
    const book = await api.createBook(admin);
    await fillCart(api, alice, [{ id: book.id, quantity: 1 }]);
    const headers = { 'idempotency-key': 'address-check-01' };
    const country = await api.request('POST', '/api/v1/orders', { token: alice.token, headers, body: { shippingAddress: { ...ADDRESS, country: 'gbr' } } });
    expectProblem(country, 400);
    expect(problemFields(country)).toEqual(['shippingAddress/country']);
    const extra = await api.request('POST', '/api/v1/orders', { token: alice.token, headers, body: { shippingAddress: { ...ADDRESS, phone: '1' } } });
    expect(problemFields(extra)).toEqual(['shippingAddress/phone']);
    const { city: _city, ...noCity } = ADDRESS;
    expect(problemFields(await api.request('POST', '/api/v1/orders', { token: alice.token, headers, body: { shippingAddress: noCity } }))).toEqual(['shippingAddress/city']);
    const total = await api.request('POST', '/api/v1/orders', { token: alice.token, headers, body: { total: 1 } });
    expect(problemFields(total)).toEqual(['total']);
    // None of the refused attempts placed anything.
    expect((await api.request('GET', '/api/v1/orders', { token: alice.token })).body.items).toEqual([]);
  });

  it('takes a US address only with its state and a ZIP code, naming each bad field at once, and keeps the state', async () => {
    const bob = await api.customer();
    const book = await api.createBook(admin);
    await fillCart(api, bob, [{ id: book.id, quantity: 1 }]);
    const US = { name: 'Bob Reader', line1: '350 Fifth Avenue', city: 'New York', postalCode: '10118', state: 'NY', country: 'US' };
    const headers = { 'idempotency-key': 'us-address-check-01' };
    const place = (shippingAddress: object) => api.request('POST', '/api/v1/orders', { token: bob.token, headers, body: { shippingAddress } });

    const { state: _state, ...noState } = US;
    const cases: Array<[object, number, string[]]> = [
      [noState, 422, ['shippingAddress/state']],
      [{ ...US, state: 'ZZ' }, 422, ['shippingAddress/state']],
      [{ ...US, state: 'PR' }, 422, ['shippingAddress/state']],
      [{ ...US, state: 'ny' }, 400, ['shippingAddress/state']],
      [{ ...US, postalCode: 'SW1A 1AA' }, 422, ['shippingAddress/postalCode']],
      [{ ...noState, postalCode: '1011' }, 422, ['shippingAddress/postalCode', 'shippingAddress/state']],
      [{ ...ADDRESS, state: 'NY' }, 422, ['shippingAddress/state']],
    ];
    for (const [address, status, fields] of cases) {
      const res = await place(address);
      expectProblem(res, status);
      expect(problemFields(res).sort(), JSON.stringify(address)).toEqual(fields);
    }
    expect((await api.request('GET', '/api/v1/orders', { token: bob.token })).body.items).toEqual([]);

    const placed = await place({ ...US, state: 'DC', postalCode: '20500-0003', city: 'Washington' });
    expect(placed.status).toBe(201);
    const read = await api.request('GET', `/api/v1/orders/${placed.body.order.id}`, { token: bob.token });
    expect(read.body.order.shippingAddress).toEqual({ ...US, state: 'DC', postalCode: '20500-0003', city: 'Washington' });
  });

  it('answers 413 naming the body when it is over the limit', async () => {
    const alice = await api.customer();
    const huge = { shippingAddress: { ...ADDRESS, line2: 'x'.repeat(api.store.config.bodyLimitBytes) } };
    const res = await api.request('POST', '/api/v1/orders', { token: alice.token, headers: { 'idempotency-key': 'too-large-00001' }, body: huge });
    expectProblem(res, 413);
    expect(problemFields(res)).toEqual(['body']);
  });
});
