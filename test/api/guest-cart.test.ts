import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, startApi, type Account, type ApiHarness } from './harness.js';

const ADDRESS = { name: 'Ada Guest', line1: '12 St James Square', city: 'London', postalCode: 'SW1Y 4JH', country: 'GB' };

describe('guest cart', () => {
  let api: ApiHarness;
  let admin: Account;

  beforeAll(async () => {
    api = await startApi();
    admin = await api.admin();
  });
  afterAll(async () => {
    await api.close();
  });

  async function newGuest(): Promise<string> {
    const res = await api.request('POST', '/api/v1/guest-cart');
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    expect(res.headers.get('set-cookie')).toBeNull();
    return res.body.token as string;
  }
  const as = (token: string) => ({ headers: { 'guest-cart': token } });

  it('issues an unguessable token for an empty cart that expires after inactivity', async () => {
    const before = Date.now();
    const res = await api.request('POST', '/api/v1/guest-cart');
    expect(res.status).toBe(201);
    expect(res.body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(res.body.cart).toEqual({ lines: [], itemCount: 0, subtotal: 0, currency: null });
    // 14 days by default (BOOKSTORE_GUEST_CART_TTL_SECONDS).
    expect(Date.parse(res.body.expiresAt) - before).toBeGreaterThanOrEqual(14 * 24 * 3600 * 1000 - 1000);
    const other = await newGuest();
    expect(other).not.toBe(res.body.token);
  });

  it('adds, changes and removes lines priced by the catalog, never by the visitor', async () => {
    const guest = await newGuest();
    const a = await api.createBook(admin, { title: 'Guest A', price: 1250 });
    const b = await api.createBook(admin, { title: 'Guest B', price: 799 });
    expect((await api.request('PUT', `/api/v1/guest-cart/items/${a.id}`, { ...as(guest), body: { quantity: 2 } })).status).toBe(200);
    const put = await api.request('PUT', `/api/v1/guest-cart/items/${b.id}`, { ...as(guest), body: { quantity: 1 } });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ itemCount: 3, subtotal: 2 * 1250 + 799, currency: 'USD' });
    expect(put.headers.get('cache-control')).toBe('private, no-store');

    const tampered = await api.request('PUT', `/api/v1/guest-cart/items/${a.id}`, { ...as(guest), body: { quantity: 1, unitPrice: 1 } });
    expectProblem(tampered, 400);
    const tooMany = await api.request('PUT', `/api/v1/guest-cart/items/${a.id}`, { ...as(guest), body: { quantity: 100 } });
    expectProblem(tooMany, 400);
    expectProblem(await api.request('PUT', '/api/v1/guest-cart/items/no-such-book', { ...as(guest), body: { quantity: 1 } }), 404);

    const changed = await api.request('PUT', `/api/v1/guest-cart/items/${a.id}`, { ...as(guest), body: { quantity: 5 } });
    expect(changed.body.lines.map((l: { bookId: string; quantity: number }) => [l.bookId, l.quantity])).toEqual([[a.id, 5], [b.id, 1]]);
    const removed = await api.request('DELETE', `/api/v1/guest-cart/items/${b.id}`, as(guest));
    expect(removed.body).toMatchObject({ itemCount: 5, subtotal: 5 * 1250 });
    expect((await api.request('GET', '/api/v1/guest-cart', as(guest))).body).toEqual(removed.body);
  });

  it('refuses a book in another currency, as the account cart does', async () => {
    const guest = await newGuest();
    const usd = await api.createBook(admin, { currency: 'USD' });
    const eur = await api.createBook(admin, { currency: 'EUR' });
    await api.request('PUT', `/api/v1/guest-cart/items/${usd.id}`, { ...as(guest), body: { quantity: 1 } });
    const mixed = await api.request('PUT', `/api/v1/guest-cart/items/${eur.id}`, { ...as(guest), body: { quantity: 1 } });
    expect(expectProblem(mixed, 409).code).toBe('mixed-currency');
  });

  it('documents the Guest-Cart header as the guest routes\' security scheme', async () => {
    const doc = (await api.request('GET', '/api/v1/openapi.json')).body;
    expect(doc.components.securitySchemes.guestCart).toMatchObject({ type: 'apiKey', in: 'header', name: 'Guest-Cart' });
    expect(doc.paths['/api/v1/guest-cart'].post.security).toBeUndefined();
    expect(doc.paths['/api/v1/guest-cart'].post.responses['429']).toBeDefined();
    for (const [path, method] of [['/api/v1/guest-cart', 'get'], ['/api/v1/guest-cart/items/{bookId}', 'put'], ['/api/v1/guest-cart/items/{bookId}', 'delete']] as const) {
      expect(doc.paths[path][method].security).toEqual([{ guestCart: [] }]);
    }
    expect(doc.paths['/api/v1/cart/merge'].post.security).toEqual([{ bearerAuth: [], guestCart: [] }]);
  });

  describe('authorization', () => {
    it('needs a token the server issued: none, a malformed or a made-up one is 401', async () => {
      expectProblem(await api.request('GET', '/api/v1/guest-cart'), 401);
      expectProblem(await api.request('GET', '/api/v1/guest-cart', as('not-a-token')), 401);
      const madeUp = 'A'.repeat(43);
      expectProblem(await api.request('GET', '/api/v1/guest-cart', as(madeUp)), 401);
      expectProblem(await api.request('PUT', `/api/v1/guest-cart/items/${(await api.createBook(admin)).id}`, { ...as(madeUp), body: { quantity: 1 } }), 401);
    });

    it('one guest never sees another guest\'s cart', async () => {
      const first = await newGuest();
      const second = await newGuest();
      const book = await api.createBook(admin);
      await api.request('PUT', `/api/v1/guest-cart/items/${book.id}`, { ...as(first), body: { quantity: 2 } });
      expect((await api.request('GET', '/api/v1/guest-cart', as(second))).body.lines).toEqual([]);
      expect((await api.request('GET', '/api/v1/guest-cart', as(first))).body.itemCount).toBe(2);
    });

    it('an account reads its own cart, not a guest cart, and cannot merge a guest cart without its token', async () => {
      const guest = await newGuest();
      const book = await api.createBook(admin);
      await api.request('PUT', `/api/v1/guest-cart/items/${book.id}`, { ...as(guest), body: { quantity: 2 } });
      const bob = await api.customer();
      expect((await api.request('GET', '/api/v1/cart', { token: bob.token, ...as(guest) })).body.lines).toEqual([]);
      expectProblem(await api.request('POST', '/api/v1/cart/merge', { token: bob.token }), 401);
      expectProblem(await api.request('POST', '/api/v1/cart/merge', { token: bob.token, ...as('B'.repeat(43)) }), 401);
      // Merging needs an account as well as the token.
      expectProblem(await api.request('POST', '/api/v1/cart/merge', as(guest)), 401);
      expect((await api.request('GET', '/api/v1/guest-cart', as(guest))).body.itemCount).toBe(2);
    });
  });

  it('merges into the account on sign-in: quantities added and capped, the guest cart gone, then checks out', async () => {
    const a = await api.createBook(admin, { price: 1000 });
    const b = await api.createBook(admin, { price: 500 });
    const c = await api.createBook(admin, { price: 300 });
    const carol = await api.customer();
    await api.request('PUT', `/api/v1/cart/items/${a.id}`, { token: carol.token, body: { quantity: 95 } });
    await api.request('PUT', `/api/v1/cart/items/${c.id}`, { token: carol.token, body: { quantity: 1 } });

    const guest = await newGuest();
    await api.request('PUT', `/api/v1/guest-cart/items/${a.id}`, { ...as(guest), body: { quantity: 10 } });
    await api.request('PUT', `/api/v1/guest-cart/items/${b.id}`, { ...as(guest), body: { quantity: 2 } });

    const merged = await api.request('POST', '/api/v1/cart/merge', { token: carol.token, ...as(guest) });
    expect(merged.status).toBe(200);
    expect(merged.body.notMerged).toEqual([]);
    expect(merged.body.cart.lines.map((l: { bookId: string; quantity: number }) => [l.bookId, l.quantity])).toEqual([
      [a.id, 99],
      [c.id, 1],
      [b.id, 2],
    ]);
    expect(merged.body.cart.subtotal).toBe(99 * 1000 + 300 + 2 * 500);
    expect((await api.request('GET', '/api/v1/cart', { token: carol.token })).body).toEqual(merged.body.cart);

    // The guest cart is gone: its token opens nothing and a second merge adds nothing.
    expectProblem(await api.request('GET', '/api/v1/guest-cart', as(guest)), 401);
    expectProblem(await api.request('POST', '/api/v1/cart/merge', { token: carol.token, ...as(guest) }), 401);

    await api.request('PUT', `/api/v1/cart/items/${a.id}`, { token: carol.token, body: { quantity: 1 } });
    const order = await api.request('POST', '/api/v1/orders', { token: carol.token, headers: { 'idempotency-key': 'guest-merge-0001' }, body: { shippingAddress: ADDRESS } });
    expect(order.status).toBe(201);
    expect(order.body.order.total).toBe(1000 + 300 + 2 * 500);
  });

  it('leaves out guest books of another currency than the account cart and says which', async () => {
    const usd = await api.createBook(admin, { currency: 'USD' });
    const eur = await api.createBook(admin, { currency: 'EUR' });
    const dave = await api.customer();
    await api.request('PUT', `/api/v1/cart/items/${usd.id}`, { token: dave.token, body: { quantity: 1 } });
    const guest = await newGuest();
    await api.request('PUT', `/api/v1/guest-cart/items/${eur.id}`, { ...as(guest), body: { quantity: 3 } });
    const merged = await api.request('POST', '/api/v1/cart/merge', { token: dave.token, ...as(guest) });
    expect(merged.status).toBe(200);
    expect(merged.body.notMerged).toEqual([eur.id]);
    expect(merged.body.cart.lines.map((l: { bookId: string }) => l.bookId)).toEqual([usd.id]);
  });

  it('limits how many guest carts one address creates per minute', async () => {
    const limited = await startApi({ env: { BOOKSTORE_GUEST_CART_RATE_LIMIT: '2' } });
    try {
      expect((await limited.request('POST', '/api/v1/guest-cart')).status).toBe(201);
      expect((await limited.request('POST', '/api/v1/guest-cart')).status).toBe(201);
      const refused = await limited.request('POST', '/api/v1/guest-cart');
      expectProblem(refused, 429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });

  it('forgets a cart once its time to live has passed without a change', async () => {
    const now = new Date();
    const { guestCarts } = api.store;
    const id = `expiry-test-${now.getTime()}`;
    await guestCarts.create(id, now.toISOString(), new Date(now.getTime() + 60_000).toISOString());
    const later = new Date(now.getTime() + 61_000).toISOString();
    expect(await guestCarts.get(id, now.toISOString())).not.toBeNull();
    expect(await guestCarts.get(id, later)).toBeNull();
    expect(await guestCarts.setLine(id, 'any-book', 1, later, later)).toBeNull();
    expect(await guestCarts.take(id, later)).toBeNull();
  });
});
