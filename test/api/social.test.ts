import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, problemFields, startApi, type Account, type ApiHarness } from './harness.js';

describe('friends', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => {
    await api.close();
  });

  it('asks, shows the request on both sides, accepts when asked back, and removes', async () => {
    const ann = await api.customer('Ann');
    const ben = await api.customer('Ben');

    const asked = await api.request('PUT', `/api/v1/friends/${ben.id}`, { token: ann.token });
    expect(asked.status).toBe(200);
    expect(asked.body).toEqual({ status: 'pending' });
    expect((await api.request('PUT', `/api/v1/friends/${ben.id}`, { token: ann.token })).body).toEqual({ status: 'pending' });

    const annView = await api.request('GET', '/api/v1/friends', { token: ann.token });
    expect(annView.body.friends).toEqual([]);
    expect(annView.body.outgoing).toEqual([{ id: ben.id, name: 'Ben', since: expect.any(String) }]);
    const benView = await api.request('GET', '/api/v1/friends', { token: ben.token });
    expect(benView.body.incoming).toEqual([{ id: ann.id, name: 'Ann', since: expect.any(String) }]);

    expect((await api.request('PUT', `/api/v1/friends/${ann.id}`, { token: ben.token })).body).toEqual({ status: 'accepted' });
    const friends = await api.request('GET', '/api/v1/friends', { token: ann.token });
    expect(friends.body).toEqual({ friends: [{ id: ben.id, name: 'Ben', since: expect.any(String) }], incoming: [], outgoing: [] });
    expect((await api.request('PUT', `/api/v1/friends/${ben.id}`, { token: ann.token })).body).toEqual({ status: 'accepted' });

    const removed = await api.request('DELETE', `/api/v1/friends/${ann.id}`, { token: ben.token });
    expect(removed.status).toBe(204);
    expect((await api.request('GET', '/api/v1/friends', { token: ann.token })).body.friends).toEqual([]);
    expect((await api.request('DELETE', `/api/v1/friends/${ann.id}`, { token: ben.token })).status).toBe(204);
  });

  it('refuses yourself and unknown people, and needs a token', async () => {
    const ann = await api.customer('Ann');
    const self = await api.request('PUT', `/api/v1/friends/${ann.id}`, { token: ann.token });
    expectProblem(self, 422);
    expect(problemFields(self)).toEqual(['userId']);
    expectProblem(await api.request('PUT', '/api/v1/friends/00000000000000000000000000', { token: ann.token }), 404);
    expectProblem(await api.request('GET', '/api/v1/friends'), 401);
    expectProblem(await api.request('PUT', `/api/v1/friends/${ann.id}`), 401);
  });

  it('finds people by name and shows no emails', async () => {
    const me = await api.customer('Searcher');
    const target = await api.customer('Zebulon Quartz');
    const res = await api.request('GET', '/api/v1/users?q=zebulon', { token: me.token });
    expect(res.status).toBe(200);
    expect(res.body.users).toEqual([{ id: target.id, name: 'Zebulon Quartz' }]);
    const byEmail = await api.request('GET', `/api/v1/users?q=${encodeURIComponent(target.email)}`, { token: me.token });
    expect(byEmail.body.users).toEqual([{ id: target.id, name: 'Zebulon Quartz' }]);
    expect(JSON.stringify(byEmail.body)).not.toContain('@');

    expect(problemFields(await api.request('GET', '/api/v1/users?q=', { token: me.token }))).toEqual(['q']);
    expect(problemFields(await api.request('GET', '/api/v1/users', { token: me.token }))).toEqual(['q']);
    expect(problemFields(await api.request('GET', `/api/v1/users?q=${'x'.repeat(101)}`, { token: me.token }))).toEqual(['q']);
    expectProblem(await api.request('GET', '/api/v1/users?q=zebulon'), 401);
  });
});

describe('recommendations', () => {
  let api: ApiHarness;
  let alice: Account, bob: Account, carol: Account, dave: Account;
  let x: { id: string }, y: { id: string }, z: { id: string }, w: { id: string };

  async function befriend(one: Account, other: Account) {
    expect((await api.request('PUT', `/api/v1/friends/${other.id}`, { token: one.token })).body.status).toBe('pending');
    expect((await api.request('PUT', `/api/v1/friends/${one.id}`, { token: other.token })).body.status).toBe('accepted');
  }

  async function buy(account: Account, books: Array<{ id: string }>) {
    for (const book of books) await api.request('PUT', `/api/v1/cart/items/${book.id}`, { token: account.token, body: { quantity: 1 } });
    const res = await api.request('POST', '/api/v1/orders', { token: account.token, headers: { 'idempotency-key': `buy-${account.id}` } });
    expect(res.status).toBe(201);
  }

  const bookIds = (items: Array<{ book: { id: string } }>) => items.map((i) => i.book.id).sort();
  type Item = { book: { id: string }; friendCount: number; reason: string; reasonKind: string };
  const fromFriends = (items: Item[]) => items.filter((i) => i.reasonKind === 'friends');

  /**
   * Alice is friends with Bob and Carol; Dave only has her pending request. Bob bought X and Y,
   * Carol X and Z, Dave W, Alice Y.
   */
  beforeAll(async () => {
    api = await startApi();
    const admin = await api.admin();
    [x, y, z, w] = [
      await api.createBook(admin, { title: 'X' }),
      await api.createBook(admin, { title: 'Y' }),
      await api.createBook(admin, { title: 'Z' }),
      await api.createBook(admin, { title: 'W' }),
    ];
    [alice, bob, carol, dave] = [await api.customer('Alice'), await api.customer('Bob'), await api.customer('Carol'), await api.customer('Dave')];
    await befriend(alice, bob);
    await befriend(carol, alice);
    await api.request('PUT', `/api/v1/friends/${dave.id}`, { token: alice.token });
    await buy(bob, [x, y]);
    await buy(carol, [x, z]);
    await buy(dave, [w]);
    await buy(alice, [y]);
    await api.store.projections.catchUp();
  });
  afterAll(async () => {
    await api.close();
  });

  it('recommends what friends bought and I did not, by number of friends', async () => {
    const res = await api.request('GET', '/api/v1/recommendations', { token: alice.token });
    expect(res.status).toBe(200);
    expect(fromFriends(res.body.items).map((i) => [i.book.id, i.friendCount, i.reason])).toEqual([
      [x.id, 2, '2 friends bought this'],
      [z.id, 1, '1 friend bought this'],
    ]);
    // Bob's only friend, Alice, bought nothing Bob lacks: what he gets is the best sellers of his author and category.
    const bobs = (await api.request('GET', '/api/v1/recommendations', { token: bob.token })).body.items;
    expect(fromFriends(bobs)).toEqual([]);
    expect(bookIds(bobs)).toEqual([w.id, z.id].sort());
    // Every test book is by "Anonymous", whom Bob buys most.
    expect(bobs.map((i: Item) => i.reason)).toEqual(['more by Anonymous', 'more by Anonymous']);
    expectProblem(await api.request('GET', '/api/v1/recommendations'), 401);
  });

  it('shows which friends bought a book only to a signed-in caller, and what its buyers also bought', async () => {
    const signedIn = await api.request('GET', `/api/v1/books/${x.id}/recommendations`, { token: alice.token });
    expect(signedIn.status).toBe(200);
    expect([...signedIn.body.friendsWhoBought].sort((p: { name: string }, q: { name: string }) => p.name.localeCompare(q.name))).toEqual([
      { id: bob.id, name: 'Bob' },
      { id: carol.id, name: 'Carol' },
    ]);
    expect(signedIn.body.alsoBought.map((b: { id: string }) => b.id)).toEqual([y.id, z.id].sort());

    const anonymous = await api.request('GET', `/api/v1/books/${x.id}/recommendations`);
    expect(anonymous.status).toBe(200);
    expect(anonymous.body.friendsWhoBought).toEqual([]);
    expect(anonymous.body.alsoBought).toEqual(signedIn.body.alsoBought);

    expectProblem(await api.request('GET', `/api/v1/books/${x.id}/recommendations`, { token: 'not-a-token' }), 401);
    expectProblem(await api.request('GET', '/api/v1/books/00000000000000000000000000/recommendations'), 404);
  });

  it('drops a friend from the recommendations after unfriending', async () => {
    expect((await api.request('DELETE', `/api/v1/friends/${alice.id}`, { token: bob.token })).status).toBe(204);
    await api.store.projections.catchUp();
    const res = await api.request('GET', '/api/v1/recommendations', { token: alice.token });
    expect(bookIds(fromFriends(res.body.items))).toEqual([x.id, z.id].sort());
    expect(fromFriends(res.body.items).every((i) => i.friendCount === 1)).toBe(true);
  });
});
