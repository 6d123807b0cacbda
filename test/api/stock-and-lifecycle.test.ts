import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, fillCart, problemFields, startApi, type Account, type ApiHarness } from './harness.js';

const SUCCEEDS = '4242 4242 4242 4242';
const DECLINED = '4000 0000 0000 0002';

describe('stock, payment and the order lifecycle', () => {
  let api: ApiHarness;
  let admin: Account;
  let keys = 0;

  beforeAll(async () => {
    api = await startApi();
    admin = await api.admin();
  });
  afterAll(async () => {
    await api.close();
  });

  function checkout(account: Account, body: Record<string, unknown> = {}) {
    keys += 1;
    return api.request('POST', '/api/v1/orders', { token: account.token, headers: { 'idempotency-key': `stock-test-${String(keys).padStart(4, '0')}` }, body });
  }

  /**
   * The engines profile reads books through its cache, which the change feed brings up to date after
   * a checkout or a cancellation changes the stock (the server runs that feed; here it is caught up
   * by hand). The record itself is exact at once: the checkout tests count 201s and 409s.
   */
  async function stockOf(bookId: string): Promise<number | null> {
    await api.store.projections.catchUp();
    return (await api.request('GET', `/api/v1/books/${bookId}`)).body.stock;
  }

  it('keeps stock on a book, editable by an admin with If-Match, and uncounted by default', async () => {
    const counted = await api.createBook(admin, { stock: 7 });
    expect(counted.stock).toBe(7);
    const uncounted = await api.createBook(admin);
    expect(uncounted.stock).toBeNull();
    const current = await api.request('GET', `/api/v1/books/${counted.id}`);
    const patched = await api.request('PATCH', `/api/v1/books/${counted.id}`, { token: admin.token, headers: { 'if-match': current.headers.get('etag')! }, body: { stock: 2 } });
    expect(patched.status).toBe(200);
    expect(patched.body.stock).toBe(2);
    const stale = await api.request('PATCH', `/api/v1/books/${counted.id}`, { token: admin.token, headers: { 'if-match': current.headers.get('etag')! }, body: { stock: 9 } });
    expectProblem(stale, 412);
    for (const bad of [-1, 1.5, 'ten']) {
      const res = await api.request('PATCH', `/api/v1/books/${counted.id}`, { token: admin.token, headers: { 'if-match': '*' }, body: { stock: bad } });
      expect(problemFields(expectProblem(res, 400) && res)).toContain('stock');
    }
  });

  it('takes stock at checkout and refuses an order it cannot fill with 409 naming each short book, creating nothing', async () => {
    const alice = await api.customer();
    const few = await api.createBook(admin, { title: 'Few Copies', stock: 3 });
    const none = await api.createBook(admin, { title: 'No Copies', stock: 0 });
    const plenty = await api.createBook(admin, { title: 'Plenty' });
    await fillCart(api, alice, [
      { id: few.id, quantity: 4 },
      { id: none.id, quantity: 1 },
      { id: plenty.id, quantity: 1 },
    ]);
    const refused = await checkout(alice);
    const problem = expectProblem(refused, 409);
    expect(problem.code).toBe('out-of-stock');
    expect(refused.body.shortages).toEqual([
      { bookId: few.id, title: 'Few Copies', requested: 4, available: 3 },
      { bookId: none.id, title: 'No Copies', requested: 1, available: 0 },
    ]);
    expect((await api.request('GET', '/api/v1/orders', { token: alice.token })).body.items).toEqual([]);
    expect(await stockOf(few.id)).toBe(3);

    await api.request('DELETE', `/api/v1/cart/items/${none.id}`, { token: alice.token });
    await fillCart(api, alice, [{ id: few.id, quantity: 3 }]);
    const placed = await checkout(alice);
    expect(placed.status).toBe(201);
    expect(await stockOf(few.id)).toBe(0);
    expect(await stockOf(plenty.id)).toBeNull();
  });

  it('sells the last copy to exactly one of many parallel checkouts', async () => {
    const last = await api.createBook(admin, { stock: 1 });
    const buyers = await Promise.all(Array.from({ length: 6 }, (_, i) => api.customer(`Buyer ${i}`)));
    for (const buyer of buyers) await fillCart(api, buyer, [{ id: last.id, quantity: 1 }]);
    const results = await Promise.all(buyers.map((buyer) => checkout(buyer)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    for (const r of results.filter((r) => r.status !== 201)) expect(expectProblem(r, 409).code).toBe('out-of-stock');
    expect(await stockOf(last.id)).toBe(0);
  });

  it('charges the test card (order paid), and a declined card is 402 with nothing created and stock unchanged', async () => {
    const bob = await api.customer();
    const book = await api.createBook(admin, { stock: 5, price: 1500 });
    await fillCart(api, bob, [{ id: book.id, quantity: 2 }]);
    const declined = await checkout(bob, { payment: { cardNumber: DECLINED } });
    expect(expectProblem(declined, 402).errors).toEqual([{ field: 'payment/cardNumber', detail: expect.stringContaining('declined') }]);
    expect(await stockOf(book.id)).toBe(5);
    expect((await api.request('GET', '/api/v1/orders', { token: bob.token })).body.items).toEqual([]);
    expect((await api.request('GET', '/api/v1/cart', { token: bob.token })).body.lines).toHaveLength(1);

    const typo = await checkout(bob, { payment: { cardNumber: '4242 4242 4242 4241' } });
    expect(problemFields(expectProblem(typo, 422) && typo)).toEqual(['payment/cardNumber']);
    const tooLong = await checkout(bob, { payment: { cardNumber: '4'.repeat(64) } });
    expectProblem(tooLong, 400);

    const paid = await checkout(bob, { payment: { cardNumber: SUCCEEDS } });
    expect(paid.status).toBe(201);
    expect(paid.body.order).toMatchObject({ status: 'paid', payment: { provider: 'test', cardLast4: '4242' } });
    expect(paid.body.order.statusHistory.map((c: { status: string }) => c.status)).toEqual(['placed', 'paid']);
    expect(JSON.stringify(paid.body)).not.toContain('4242424242424242');
    expect(await stockOf(book.id)).toBe(3);
  });

  it('lets a customer cancel only their own order, only before it ships, putting the stock back', async () => {
    const carol = await api.customer();
    const mallory = await api.customer();
    const book = await api.createBook(admin, { stock: 4 });
    await fillCart(api, carol, [{ id: book.id, quantity: 3 }]);
    const order = (await checkout(carol)).body.order;
    expect(await stockOf(book.id)).toBe(1);

    expectProblem(await api.request('POST', `/api/v1/orders/${order.id}/cancel`, { token: mallory.token }), 404);
    expectProblem(await api.request('POST', `/api/v1/orders/${order.id}/cancel`), 401);
    expect(await stockOf(book.id)).toBe(1);

    const cancelled = await api.request('POST', `/api/v1/orders/${order.id}/cancel`, { token: carol.token });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.order.status).toBe('cancelled');
    expect(cancelled.body.order.statusHistory.map((c: { status: string; by: string }) => [c.status, c.by])).toEqual([
      ['placed', 'customer'],
      ['cancelled', 'customer'],
    ]);
    expect(await stockOf(book.id)).toBe(4);
    const again = await api.request('POST', `/api/v1/orders/${order.id}/cancel`, { token: carol.token });
    expect(expectProblem(again, 409).code).toBe('status-transition');
    expect(await stockOf(book.id)).toBe(4);

    await fillCart(api, carol, [{ id: book.id, quantity: 1 }]);
    const shipped = (await checkout(carol)).body.order;
    for (const status of ['paid', 'shipped']) {
      expect((await api.request('POST', `/api/v1/admin/orders/${shipped.id}/status`, { token: admin.token, body: { status } })).status).toBe(200);
    }
    const late = await api.request('POST', `/api/v1/orders/${shipped.id}/cancel`, { token: carol.token });
    expect(expectProblem(late, 409).code).toBe('status-transition');
    const seen = await api.request('GET', `/api/v1/orders/${shipped.id}`, { token: carol.token });
    expect(seen.body.order.statusHistory.map((c: { status: string; by: string }) => [c.status, c.by])).toEqual([
      ['placed', 'customer'],
      ['paid', 'admin'],
      ['shipped', 'admin'],
    ]);
  });

  it('lets only admins list orders by status and move them along the allowed transitions', async () => {
    const dave = await api.customer();
    const book = await api.createBook(admin);
    await fillCart(api, dave, [{ id: book.id, quantity: 1 }]);
    const order = (await checkout(dave)).body.order;

    expectProblem(await api.request('GET', '/api/v1/admin/orders', { token: dave.token }), 403);
    expectProblem(await api.request('POST', `/api/v1/admin/orders/${order.id}/status`, { token: dave.token, body: { status: 'paid' } }), 403);

    const skip = await api.request('POST', `/api/v1/admin/orders/${order.id}/status`, { token: admin.token, body: { status: 'delivered' } });
    expect(expectProblem(skip, 409).code).toBe('status-transition');
    expectProblem(await api.request('POST', `/api/v1/admin/orders/${order.id}/status`, { token: admin.token, body: { status: 'lost' } }), 400);
    expectProblem(await api.request('POST', '/api/v1/admin/orders/0000000000zzzzzzzzzzzzzzzz/status', { token: admin.token, body: { status: 'paid' } }), 404);

    const placed = await api.request('GET', '/api/v1/admin/orders?status=placed&limit=100', { token: admin.token });
    expect(placed.status).toBe(200);
    expect(placed.body.items.map((o: { id: string }) => o.id)).toContain(order.id);
    expect(placed.body.items.every((o: { status: string }) => o.status === 'placed')).toBe(true);
    expect(placed.body.items.find((o: { id: string }) => o.id === order.id)).toMatchObject({ userId: dave.id, nextStatuses: ['paid', 'cancelled'] });

    for (const status of ['paid', 'shipped', 'delivered']) {
      const moved = await api.request('POST', `/api/v1/admin/orders/${order.id}/status`, { token: admin.token, body: { status } });
      expect(moved.body.order.status).toBe(status);
    }
    const done = await api.request('POST', `/api/v1/admin/orders/${order.id}/status`, { token: admin.token, body: { status: 'delivered' } });
    expect(expectProblem(done, 409).detail).toMatch(/cannot change an order that is delivered/);
    const tooLate = await api.request('POST', `/api/v1/admin/orders/${order.id}/status`, { token: admin.token, body: { status: 'cancelled' } });
    expect(expectProblem(tooLate, 409).code).toBe('status-transition');
    const delivered = await api.request('GET', '/api/v1/admin/orders?status=delivered', { token: admin.token });
    expect(delivered.body.items.map((o: { id: string }) => o.id)).toContain(order.id);
  });

  it('takes a cancelled order off the bestseller board exactly once, through the change feed', async () => {
    const erin = await api.customer();
    const book = await api.createBook(admin, { category: 'Cancel Test', stock: 10 });
    await fillCart(api, erin, [{ id: book.id, quantity: 3 }]);
    const order = (await checkout(erin)).body.order;
    await api.store.projections.catchUp();
    const board = async () => (await api.request('GET', '/api/v1/bestsellers?category=Cancel%20Test')).body.items.map((i: { book: { id: string }; units: number }) => [i.book.id, i.units]);
    expect(await board()).toEqual([[book.id, 3]]);
    await api.request('POST', `/api/v1/orders/${order.id}/cancel`, { token: erin.token });
    await api.store.projections.catchUp();
    expect(await board()).toEqual([]);
    // Replaying the whole feed (a redelivery) and rebuilding from the orders both leave it off.
    await api.store.projections.rewind('bestsellers', 0);
    await api.store.projections.catchUp();
    expect(await board()).toEqual([]);
  });

  it('tells the cart and search results how many copies are left, so the storefront can warn before checkout', async () => {
    const fran = await api.customer();
    const few = await api.createBook(admin, { title: 'Stocktake Lantern Few', stock: 2 });
    const gone = await api.createBook(admin, { title: 'Stocktake Lantern Gone', stock: 0 });
    const uncounted = await api.createBook(admin, { title: 'Stocktake Lantern Endless' });
    await fillCart(api, fran, [
      { id: few.id, quantity: 3 },
      { id: uncounted.id, quantity: 5 },
    ]);
    const cart = await api.request('GET', '/api/v1/cart', { token: fran.token });
    expect(cart.body.lines.map((l: { bookId: string; stock: number | null }) => [l.bookId, l.stock])).toEqual([
      [few.id, 2],
      [uncounted.id, null],
    ]);

    await api.store.projections.catchUp();
    const found = await api.request('GET', '/api/v1/search?q=Stocktake%20Lantern');
    expect(found.status).toBe(200);
    const stockById = new Map(found.body.hits.map((h: { book: { id: string; stock: number | null } }) => [h.book.id, h.book.stock]));
    expect(stockById).toEqual(
      new Map<string, number | null>([
        [few.id, 2],
        [gone.id, 0],
        [uncounted.id, null],
      ]),
    );
  });
});
