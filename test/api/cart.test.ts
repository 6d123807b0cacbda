import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, problemFields, startApi, type Account, type ApiHarness } from './harness.js';

describe('cart', () => {
  let api: ApiHarness;
  let admin: Account;

  beforeAll(async () => {
    api = await startApi();
    admin = await api.admin();
  });
  afterAll(async () => {
    await api.close();
  });

  it('starts empty and needs a signed-in customer', async () => {
    const alice = await api.customer();
    const res = await api.request('GET', '/api/v1/cart', { token: alice.token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ lines: [], itemCount: 0, subtotal: 0, currency: null });
    expectProblem(await api.request('GET', '/api/v1/cart'), 401);
  });

  it('prices every line from the catalog, now, whatever was true when it was added', async () => {
    const alice = await api.customer();
    const a = await api.createBook(admin, { title: 'Cheap', price: 499, authors: ['Ann'] });
    const b = await api.createBook(admin, { title: 'Dear', price: 2500 });
    await api.request('PUT', `/api/v1/cart/items/${a.id}`, { token: alice.token, body: { quantity: 3 } });
    const put = await api.request('PUT', `/api/v1/cart/items/${b.id}`, { token: alice.token, body: { quantity: 1 } });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({
      lines: [
        { bookId: a.id, title: 'Cheap', authors: ['Ann'], coverUrl: null, unitPrice: 499, quantity: 3, lineTotal: 1497, currency: 'USD', available: true, stock: null },
        { bookId: b.id, title: 'Dear', authors: ['Anonymous'], coverUrl: null, unitPrice: 2500, quantity: 1, lineTotal: 2500, currency: 'USD', available: true, stock: null },
      ],
      itemCount: 4,
      subtotal: 3997,
      currency: 'USD',
    });

    await api.request('PATCH', `/api/v1/books/${a.id}`, { token: admin.token, headers: { 'if-match': `"${a.id}.v1"` }, body: { price: 599 } });
    const repriced = await api.request('GET', '/api/v1/cart', { token: alice.token });
    expect(repriced.body.subtotal).toBe(3 * 599 + 2500);

    // Setting a quantity replaces it rather than adding to it.
    const set = await api.request('PUT', `/api/v1/cart/items/${a.id}`, { token: alice.token, body: { quantity: 1 } });
    expect(set.body.itemCount).toBe(2);
    expect(set.body.lines.map((l: { bookId: string }) => l.bookId)).toEqual([a.id, b.id]);
  });

  it('rejects a price, total or any other field sent by the client', async () => {
    const alice = await api.customer();
    const book = await api.createBook(admin, { price: 1000 });
    const tampered = await api.request('PUT', `/api/v1/cart/items/${book.id}`, { token: alice.token, body: { quantity: 1, price: 1 } });
    expectProblem(tampered, 400);
    expect(tampered.body.errors).toEqual([{ field: 'price', detail: 'is not a known field' }]);
    expect(problemFields(await api.request('PUT', `/api/v1/cart/items/${book.id}`, { token: alice.token, body: { quantity: 1, unitPrice: 1 } }))).toEqual(['unitPrice']);
    expect((await api.request('GET', '/api/v1/cart', { token: alice.token })).body.lines).toEqual([]);
  });

  it('names the quantity when it is a string, zero, negative, fractional, too big or missing', async () => {
    const alice = await api.customer();
    const book = await api.createBook(admin);
    for (const quantity of ['3', 0, -1, 1.5, 100, null]) {
      const res = await api.request('PUT', `/api/v1/cart/items/${book.id}`, { token: alice.token, body: { quantity } });
      expectProblem(res, 400);
      expect(problemFields(res)).toEqual(['quantity']);
    }
    expect(problemFields(await api.request('PUT', `/api/v1/cart/items/${book.id}`, { token: alice.token, body: {} }))).toEqual(['quantity']);
    const malformed = await api.request('PUT', `/api/v1/cart/items/${book.id}`, { token: alice.token, rawBody: '{"quantity": 2' });
    expectProblem(malformed, 400);
    expect(problemFields(malformed)).toEqual(['body']);
    const wrongType = await api.request('PUT', `/api/v1/cart/items/${book.id}`, { token: alice.token, rawBody: 'quantity=2', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expectProblem(wrongType, 415);
    const text = await api.request('PUT', `/api/v1/cart/items/${book.id}`, { token: alice.token, rawBody: '{"quantity":2}', headers: { 'content-type': 'text/plain' } });
    expectProblem(text, 415);
  });

  it('answers 404 for a book that is not in the catalog', async () => {
    const alice = await api.customer();
    const res = await api.request('PUT', '/api/v1/cart/items/00000000000000000000000000', { token: alice.token, body: { quantity: 1 } });
    expectProblem(res, 404);
  });

  it('removes lines, idempotently', async () => {
    const alice = await api.customer();
    const book = await api.createBook(admin);
    await api.request('PUT', `/api/v1/cart/items/${book.id}`, { token: alice.token, body: { quantity: 2 } });
    const removed = await api.request('DELETE', `/api/v1/cart/items/${book.id}`, { token: alice.token });
    expect(removed.status).toBe(200);
    expect(removed.body.lines).toEqual([]);
    const again = await api.request('DELETE', `/api/v1/cart/items/${book.id}`, { token: alice.token });
    expect(again.status).toBe(200);
  });

  it('shows a deleted book as unavailable and leaves it out of the totals', async () => {
    const alice = await api.customer();
    const kept = await api.createBook(admin, { price: 700 });
    const dropped = await api.createBook(admin, { price: 900 });
    await api.request('PUT', `/api/v1/cart/items/${kept.id}`, { token: alice.token, body: { quantity: 1 } });
    await api.request('PUT', `/api/v1/cart/items/${dropped.id}`, { token: alice.token, body: { quantity: 2 } });
    await api.request('DELETE', `/api/v1/books/${dropped.id}`, { token: admin.token, headers: { 'if-match': `"${dropped.id}.v1"` } });
    const cart = await api.request('GET', '/api/v1/cart', { token: alice.token });
    expect(cart.body.lines[1]).toMatchObject({ bookId: dropped.id, available: false, quantity: 2, unitPrice: null, lineTotal: null });
    expect(cart.body.itemCount).toBe(1);
    expect(cart.body.subtotal).toBe(700);
    // Checkout refuses until the unavailable line is removed.
    const checkout = await api.request('POST', '/api/v1/orders', { token: alice.token, headers: { 'idempotency-key': 'unavailable-0001' } });
    expect(expectProblem(checkout, 409).code).toBe('book-unavailable');
  });

  it('keeps each customer to their own cart', async () => {
    const alice = await api.customer('Alice');
    const bob = await api.customer('Bob');
    const book = await api.createBook(admin);
    await api.request('PUT', `/api/v1/cart/items/${book.id}`, { token: alice.token, body: { quantity: 5 } });
    expect((await api.request('GET', '/api/v1/cart', { token: bob.token })).body.lines).toEqual([]);
    await api.request('DELETE', `/api/v1/cart/items/${book.id}`, { token: bob.token });
    await api.request('PUT', `/api/v1/cart/items/${book.id}`, { token: bob.token, body: { quantity: 1 } });
    const aliceCart = await api.request('GET', '/api/v1/cart', { token: alice.token });
    expect(aliceCart.body.lines).toHaveLength(1);
    expect(aliceCart.body.lines[0].quantity).toBe(5);
  });
});
