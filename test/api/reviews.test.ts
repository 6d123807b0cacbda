import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, problemFields, startApi, type Account, type ApiHarness } from './harness.js';

describe('reviews', () => {
  let api: ApiHarness;
  let admin: Account;

  async function buy(account: Account, bookId: string) {
    await api.request('PUT', `/api/v1/cart/items/${bookId}`, { token: account.token, body: { quantity: 1 } });
    const res = await api.request('POST', '/api/v1/orders', { token: account.token, headers: { 'idempotency-key': `buy-${account.id}-${bookId}` } });
    expect(res.status).toBe(201);
  }

  const review = (account: Account, bookId: string, body: unknown) => api.request('PUT', `/api/v1/books/${bookId}/review`, { token: account.token, body });
  const book = async (id: string) => (await api.request('GET', `/api/v1/books/${id}`)).body;

  beforeAll(async () => {
    api = await startApi();
    admin = await api.admin();
  });
  afterAll(async () => {
    await api.close();
  });

  it('lets a buyer review, replace and remove, moving the rating from the seeded one and back', async () => {
    const dune = await api.createBook(admin, { rating: 2.5 });
    const ann = await api.customer('Ann');
    const ben = await api.customer('Ben');
    await buy(ann, dune.id);
    await buy(ben, dune.id);
    expect(await book(dune.id)).toMatchObject({ rating: 2.5, reviewCount: 0 });

    const created = await review(ann, dune.id, { rating: 5, title: '  A  classic ', body: 'Sand.\nWorms.' });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/api/v1/books/${dune.id}/review`);
    expect(created.body.review).toMatchObject({ id: `${dune.id}.${ann.id}`, reviewer: { id: ann.id, name: 'Ann' }, rating: 5, title: 'A classic', body: 'Sand.\nWorms.', hidden: false });
    expect(created.body.book).toMatchObject({ id: dune.id, rating: 5, reviewCount: 1 });

    expect((await review(ben, dune.id, { rating: 2 })).status).toBe(201);
    expect(await book(dune.id)).toMatchObject({ rating: 3.5, reviewCount: 2 });

    const replaced = await review(ann, dune.id, { rating: 4, body: null });
    expect(replaced.status).toBe(200);
    expect(replaced.body.review).toMatchObject({ rating: 4, title: null, body: null });
    expect(await book(dune.id)).toMatchObject({ rating: 3, reviewCount: 2 });

    const list = await api.request('GET', `/api/v1/books/${dune.id}/reviews`);
    expect(list.status).toBe(200);
    expect(list.body.items.map((r: { reviewer: { name: string } }) => r.reviewer.name)).toEqual(['Ann', 'Ben']);

    expect((await api.request('DELETE', `/api/v1/books/${dune.id}/review`, { token: ann.token })).status).toBe(204);
    expect(await book(dune.id)).toMatchObject({ rating: 2, reviewCount: 1 });
    expectProblem(await api.request('DELETE', `/api/v1/books/${dune.id}/review`, { token: ann.token }), 404);
    expect((await api.request('DELETE', `/api/v1/books/${dune.id}/review`, { token: ben.token })).status).toBe(204);
    expect(await book(dune.id)).toMatchObject({ rating: 2.5, reviewCount: 0 });
  });

  it('pages reviews newest first', async () => {
    const b = await api.createBook(admin);
    const names = ['P1', 'P2', 'P3'];
    for (const name of names) {
      const c = await api.customer(name);
      await buy(c, b.id);
      expect((await review(c, b.id, { rating: 3 })).status).toBe(201);
    }
    const first = await api.request('GET', `/api/v1/books/${b.id}/reviews?limit=2`);
    expect(first.body.items.map((r: { reviewer: { name: string } }) => r.reviewer.name)).toEqual(['P3', 'P2']);
    const second = await api.request('GET', `/api/v1/books/${b.id}/reviews?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body).toMatchObject({ items: [{ reviewer: { name: 'P1' } }], nextCursor: null });
  });

  it('refuses a customer who did not buy the book, bad input, and strangers', async () => {
    const b = await api.createBook(admin);
    const other = await api.createBook(admin);
    const cy = await api.customer('Cy');
    await buy(cy, other.id);
    const refused = expectProblem(await review(cy, b.id, { rating: 5 }), 403);
    expect(refused.detail).toContain('bought');
    expectProblem(await review(admin, b.id, { rating: 5 }), 403);
    expectProblem(await api.request('PUT', `/api/v1/books/${b.id}/review`, { body: { rating: 5 } }), 401);
    expect(problemFields(await review(cy, other.id, { rating: 6 }))).toEqual(['rating']);
    expect(problemFields(await review(cy, other.id, { rating: 3.5 }))).toEqual(['rating']);
    expect(problemFields(await review(cy, other.id, { rating: 3, title: 'x'.repeat(121) }))).toEqual(['title']);
    expect(problemFields(await review(cy, other.id, { rating: 3, body: 'bad\u0000' }))).toEqual(['body']);
    expect(problemFields(await review(cy, other.id, { rating: 3, extra: 1 }))).toEqual(['extra']);
    expectProblem(await review(cy, '00000000000000000000000000', { rating: 3 }), 404);
    expectProblem(await api.request('GET', '/api/v1/books/00000000000000000000000000/reviews'), 404);
    expect((await api.request('GET', `/api/v1/books/${b.id}/review`, { token: cy.token })).body).toEqual({ review: null, canReview: false });
    expect((await api.request('GET', `/api/v1/books/${other.id}/review`, { token: cy.token })).body).toEqual({ review: null, canReview: true });
    expectProblem(await api.request('GET', '/api/v1/books/00000000000000000000000000/review', { token: cy.token }), 404);
  });

  it('lets only admins hide a review, which leaves the listing and the rating', async () => {
    const b = await api.createBook(admin, { rating: 1 });
    const dee = await api.customer('Dee');
    const eve = await api.customer('Eve');
    await buy(dee, b.id);
    await buy(eve, b.id);
    await review(dee, b.id, { rating: 5, body: 'spam spam' });
    await review(eve, b.id, { rating: 4 });
    const id = `${b.id}.${dee.id}`;

    expectProblem(await api.request('POST', `/api/v1/admin/reviews/${id}/hide`, { token: eve.token }), 403);
    expectProblem(await api.request('POST', `/api/v1/admin/reviews/${id}/hide`), 401);
    const hidden = await api.request('POST', `/api/v1/admin/reviews/${id}/hide`, { token: admin.token });
    expect(hidden.status).toBe(200);
    expect(hidden.body.review).toMatchObject({ id, hidden: true });
    expect((await api.request('POST', `/api/v1/admin/reviews/${id}/hide`, { token: admin.token })).status).toBe(200);
    expect(await book(b.id)).toMatchObject({ rating: 4, reviewCount: 1 });
    expect((await api.request('GET', `/api/v1/books/${b.id}/reviews`)).body.items.map((r: { id: string }) => r.id)).toEqual([`${b.id}.${eve.id}`]);

    // Rewriting a hidden review keeps it hidden, so editing is no way around moderation.
    expect((await review(dee, b.id, { rating: 5, body: 'not spam' })).body.review.hidden).toBe(true);
    expect(await book(b.id)).toMatchObject({ rating: 4, reviewCount: 1 });
    expect((await api.request('GET', `/api/v1/books/${b.id}/review`, { token: dee.token })).body.review).toMatchObject({ hidden: true, body: 'not spam' });

    expectProblem(await api.request('POST', `/api/v1/admin/reviews/${b.id}.00000000000000000000000000/hide`, { token: admin.token }), 404);
    const malformed = await api.request('POST', '/api/v1/admin/reviews/nodot/hide', { token: admin.token });
    expectProblem(malformed, 400);
    expect(problemFields(malformed)).toEqual(['reviewId']);
  });

  it('keeps the review average when an admin edits the rating, and returns to that rating when reviews go', async () => {
    const b = await api.createBook(admin, { rating: 1 });
    const fay = await api.customer('Fay');
    await buy(fay, b.id);
    await review(fay, b.id, { rating: 4 });
    const current = await api.request('GET', `/api/v1/books/${b.id}`);
    const patched = await api.request('PATCH', `/api/v1/books/${b.id}`, { token: admin.token, headers: { 'if-match': current.headers.get('etag')! }, body: { rating: 3.3 } });
    expect(patched.body).toMatchObject({ rating: 4, reviewCount: 1 });
    await api.request('DELETE', `/api/v1/books/${b.id}/review`, { token: fay.token });
    expect(await book(b.id)).toMatchObject({ rating: 3.3, reviewCount: 0 });
  });

  it('records review and book changes in one feed', async () => {
    const b = await api.createBook(admin);
    const gus = await api.customer('Gus');
    await buy(gus, b.id);
    await review(gus, b.id, { rating: 5 });
    const changes = (await api.changes()).filter((c) => c.key === b.id || c.key === `${b.id}.${gus.id}`);
    // DynamoDB Streams order records per item only, so the review and its book's change may come either way round.
    expect(changes.map((c) => `${c.entity}:${c.op}`).sort()).toEqual(['book:insert', 'book:modify', 'review:insert']);
  });
});
