import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Client as OpenSearchClient } from '@opensearch-project/opensearch';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentialsTableName } from '../../src/adapters/dynamodb/dynamodb-items.js';
import { documentClient } from '../../src/adapters/dynamodb/dynamodb-tables.js';
import { keysByPrefix } from '../../src/adapters/redis/redis-scan.js';
import { connect } from '../../src/adapters/embedded/sqlite-driver.js';
import { expectProblem, fillCart, PASSWORD, problemFields, startApi, type Account, type ApiHarness } from './harness.js';

const ADDRESS = { name: 'Annabel Quill-Deletable', line1: '7 Vanishing Lane', city: 'Goneville', postalCode: 'ZZ9 9ZZ', country: 'GB' };

/**
 * Everything the profile's stores hold, as one text to search for a person's traces: every row of
 * every SQLite file (embedded), or every item of both DynamoDB tables, every document of the
 * store's OpenSearch indices and every Redis value under its prefix (engines). The change feed itself
 * (the outbox, DynamoDB Streams) keeps old images for its 24 hours by design; the embedded outbox is
 * pruned here first, as those 24 hours would, and the stream is not read.
 */
async function everythingStored(api: ApiHarness): Promise<string> {
  const { config } = api.store;
  const parts: string[] = [];
  if (config.profile === 'embedded') {
    const feed = api.store.changeFeed!;
    const head = await feed.head();
    await feed.prune(head.seq, Date.now() + 1);
    for (const file of readdirSync(config.dataDir).filter((f) => f.endsWith('.db'))) {
      const db = connect(join(config.dataDir, file), { readonly: true });
      try {
        const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as Array<{ name: string }>;
        for (const { name } of tables) parts.push(`${file}/${name}: ${JSON.stringify(db.prepare(`SELECT * FROM "${name}"`).all())}`);
      } finally {
        db.close();
      }
    }
    return parts.join('\n');
  }
  const engines = config.engines!;
  const low = new DynamoDBClient({ region: engines.region, endpoint: engines.dynamodbEndpoint ?? undefined, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const search = new OpenSearchClient({ node: engines.opensearchUrl });
  const redis = new Redis(engines.redisUrl, { maxRetriesPerRequest: 1 });
  try {
    const documents = documentClient(low);
    for (const table of [engines.dynamodbTable, credentialsTableName(engines.dynamodbTable)]) {
      let start: Record<string, unknown> | undefined;
      do {
        const out = await documents.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start, ConsistentRead: true }));
        parts.push(`${table}: ${JSON.stringify(out.Items ?? [])}`);
        start = out.LastEvaluatedKey;
      } while (start);
    }
    const hits = await search.search({ index: `${engines.opensearchAlias}*`, body: { size: 10_000, query: { match_all: {} } } });
    parts.push(`opensearch: ${JSON.stringify(hits.body.hits.hits)}`);
    for (const key of await keysByPrefix(redis, `${engines.redisKeyPrefix}:`)) {
      const type = await redis.type(key);
      const value =
        type === 'string' ? await redis.get(key)
        : type === 'zset' ? await redis.zrange(key, 0, -1, 'WITHSCORES')
        : type === 'hash' ? await redis.hgetall(key)
        : type === 'set' ? await redis.smembers(key)
        : type === 'list' ? await redis.lrange(key, 0, -1)
        : `(${type})`;
      parts.push(`redis ${key}: ${JSON.stringify(value)}`);
    }
    const graph = await api.store.graph.contents();
    parts.push(`graph: ${JSON.stringify(graph)}`);
    return parts.join('\n');
  } finally {
    low.destroy();
    await search.close();
    redis.disconnect();
  }
}

describe('account deletion', () => {
  let api: ApiHarness;
  let admin: Account;

  const book = async (id: string) => (await api.request('GET', `/api/v1/books/${id}`)).body;
  const deleteMe = (account: Account, body: unknown) => api.request('DELETE', '/api/v1/me', { token: account.token, body });

  beforeAll(async () => {
    api = await startApi();
    admin = await api.admin();
  });
  afterAll(async () => {
    await api.close();
  });

  it('removes a customer from every store, keeps their orders nameless, and the rebuilt stores stay clean', async () => {
    const [dune, emma, hobbit] = [
      await api.createBook(admin, { title: 'Dune', rating: 2 }),
      await api.createBook(admin, { title: 'Emma', rating: 2 }),
      await api.createBook(admin, { title: 'The Hobbit' }),
    ];
    const ann = await api.customer('Annabel Quill-Deletable');
    const ben = await api.customer('Ben');
    const cy = await api.customer('Cy');
    const dee = await api.customer('Dee');

    // Ann buys two books (paid, shipped to her address), reviews one, has a friend, a request each
    // way and a cart; Ben bought and reviewed the same book.
    await fillCart(api, ann, [{ id: dune.id, quantity: 2 }, { id: emma.id, quantity: 1 }]);
    const placed = await api.request('POST', '/api/v1/orders', {
      token: ann.token,
      headers: { 'idempotency-key': `ann-order-${ann.id}` },
      body: { shippingAddress: ADDRESS, payment: { cardNumber: '4242 4242 4242 4242' } },
    });
    expect(placed.status).toBe(201);
    const orderId = placed.body.order.id as string;
    await fillCart(api, ben, [{ id: dune.id, quantity: 1 }]);
    expect((await api.request('POST', '/api/v1/orders', { token: ben.token, headers: { 'idempotency-key': `ben-order-${ben.id}` } })).status).toBe(201);
    expect((await api.request('PUT', `/api/v1/books/${dune.id}/review`, { token: ann.token, body: { rating: 5, title: 'Annabel loved it' } })).status).toBe(201);
    expect((await api.request('PUT', `/api/v1/books/${dune.id}/review`, { token: ben.token, body: { rating: 3 } })).status).toBe(201);
    expect(await book(dune.id)).toMatchObject({ rating: 4, reviewCount: 2 });
    await api.request('PUT', `/api/v1/friends/${ben.id}`, { token: ann.token });
    await api.request('PUT', `/api/v1/friends/${ann.id}`, { token: ben.token });
    await api.request('PUT', `/api/v1/friends/${cy.id}`, { token: ann.token });
    await api.request('PUT', `/api/v1/friends/${ann.id}`, { token: dee.token });
    await fillCart(api, ann, [{ id: hobbit.id, quantity: 1 }]);
    await api.store.projections.catchUp();

    // The test can fail: before the deletion, Ann is everywhere.
    const before = await everythingStored(api);
    for (const trace of [ann.id, ann.email, ADDRESS.name, ADDRESS.line1]) expect(before).toContain(trace);
    expect((await api.store.graph.interactionsOf(ann.id)).rated).toEqual([{ bookId: dune.id, stars: 5 }]);
    expect((await api.store.reviews.listByUser(ann.id)).map((r) => r.bookId)).toEqual([dune.id]);

    // Re-authentication: the token alone is not enough, and every refusal says why.
    const wrong = await deleteMe(ann, { password: 'not the password' });
    expect(expectProblem(wrong, 403).detail).toContain('password');
    expect(problemFields(wrong)).toEqual(['password']);
    expect(problemFields(await deleteMe(ann, {}))).toEqual(['password']);
    expectProblem(await api.request('DELETE', '/api/v1/me', { body: { password: PASSWORD } }), 401);
    // Ben cannot delete Ann: the route only ever deletes the caller, and checks the caller's password.
    expectProblem(await deleteMe(ben, { password: 'wrong for ben' }), 403);
    expect((await api.request('GET', '/api/v1/me', { token: ann.token })).status).toBe(200);

    expect((await deleteMe(ann, { password: PASSWORD })).status).toBe(204);

    // The account's tokens stop at once; deleting twice is a 401; the password opens nothing.
    expectProblem(await api.request('GET', '/api/v1/me', { token: ann.token }), 401);
    expectProblem(await api.request('PUT', `/api/v1/cart/items/${emma.id}`, { token: ann.token, body: { quantity: 1 } }), 401);
    const again = expectProblem(await deleteMe(ann, { password: PASSWORD }), 401);
    expect(again.detail).toContain('no longer exists');
    expectProblem(await api.request('POST', '/api/v1/auth/login', { body: { email: ann.email, password: PASSWORD } }), 401);

    // The record: her review is gone and the book's rating moved back in the same step.
    expect(await book(dune.id)).toMatchObject({ rating: 3, reviewCount: 1 });
    expect((await api.request('GET', `/api/v1/books/${dune.id}/reviews`)).body.items.map((r: { reviewer: { id: string } }) => r.reviewer.id)).toEqual([ben.id]);
    expect((await api.request('GET', '/api/v1/friends', { token: ben.token })).body).toMatchObject({ friends: [], incoming: [], outgoing: [] });
    expect((await api.request('GET', '/api/v1/friends', { token: cy.token })).body).toMatchObject({ incoming: [] });
    expect((await api.request('GET', '/api/v1/friends', { token: dee.token })).body).toMatchObject({ outgoing: [] });
    expect((await api.request('GET', `/api/v1/users?q=Annabel`, { token: ben.token })).body.users).toEqual([]);

    // The shop keeps the order for its books: lines, money and statuses, no address, no owner.
    const kept = (await api.request('GET', '/api/v1/admin/orders?limit=100', { token: admin.token })).body.items.find((o: { id: string }) => o.id === orderId);
    expect(kept).toMatchObject({ id: orderId, status: 'paid', itemCount: 3, shippingAddress: null, payment: { cardLast4: '4242' } });
    expect(kept.userId).not.toBe(ann.id);
    expect(kept.userId).toMatch(/^deleted-/);

    await api.store.projections.catchUp();
    // Derived stores, through the change feed: search has the new rating, the board still counts the sale.
    const searched = async () => (await api.request('GET', '/api/v1/search?q=Dune')).body.hits.find((h: { book: { id: string } }) => h.book.id === dune.id)?.book;
    expect(await searched()).toMatchObject({ rating: 3 });
    const unitsOf = async (id: string) => (await api.request('GET', '/api/v1/bestsellers?window=all&limit=50')).body.items.find((e: { book: { id: string } }) => e.book.id === id)?.units;
    expect(await unitsOf(dune.id)).toBe(3);
    expect((await api.store.graph.interactionsOf(ann.id))).toEqual({ purchased: [], rated: [] });

    const check = async () => {
      const after = await everythingStored(api);
      for (const trace of [ann.id, ann.email, ADDRESS.name, ADDRESS.line1, 'Annabel loved it']) expect(after).not.toContain(trace);
      const graph = await api.store.graph.contents();
      expect(graph.users).not.toContain(ann.id);
    };
    await check();

    // A rebuild reads only the record, so it brings nothing of her back; ratings and sales stay right.
    for (const name of ['search', 'bestsellers', 'graph'] as const) await api.store.projections.rebuild(name);
    await api.store.projections.catchUp();
    await check();
    expect(await searched()).toMatchObject({ rating: 3 });
    expect(await unitsOf(dune.id)).toBe(3);
    expect((await api.request('POST', '/api/v1/admin/audit', { token: admin.token, body: {} })).body).toMatchObject({ drift: 0 });

    // The email is free again (on Cognito: the pool's user is gone too).
    expect((await api.request('POST', '/api/v1/auth/signup', { body: { email: ann.email, password: PASSWORD, name: 'Someone new' } })).status).toBe(201);
  });

  it('refuses an admin deleting their own account', async () => {
    const refused = expectProblem(await deleteMe(admin, { password: PASSWORD }), 403);
    expect(refused.detail).toContain('admin');
    expect((await api.request('GET', '/api/v1/me', { token: admin.token })).status).toBe(200);
  });
});
