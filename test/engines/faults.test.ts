import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client as OpenSearchClient } from '@opensearch-project/opensearch';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { GremlinSocialGraph } from '../../src/adapters/gremlin/gremlin-social-graph.js';
import { checkpointIndexName } from '../../src/adapters/opensearch/opensearch-stream-checkpoints.js';
import { indexPattern, templateName } from '../../src/adapters/opensearch/search-index-template.js';
import { expectProblem, startApi, type Account, type ApiHarness, type ApiResponse } from '../api/harness.js';
import { startRedisProcess, type RedisProcess } from '../support/redis-process.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { endpoints, uniqueName } from './endpoints.js';

// The harness reads the profile when it loads: these faults are the engines profile's, whichever project runs the file.
vi.hoisted(() => {
  process.env.BOOKSTORE_TEST_PROFILE = 'engines';
});

/**
 * One engine at a time goes away while customers keep shopping, then comes back: the reads that need
 * it answer 503 problem+json naming it, everything else keeps answering, its projection reports the
 * error, and once it is back the projection catches up with every change counted exactly once.
 */

const ADDRESS = { name: 'Ada Lovelace', line1: '12 St James Square', city: 'London', postalCode: 'SW1Y 4JH', country: 'GB' };
/** How long a poll waits for something the runner does in the background (a pass, a reconnection). */
const DEADLINE_MS = 60_000;
const FAULT_TEST_MS = 180_000;

interface Book {
  id: string;
  title: string;
  category: string;
}

/** Polls `check` until it returns a value; at the deadline, fails with what it last saw. */
async function eventually<T>(what: string, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + DEADLINE_MS;
  let last: unknown = 'no answer yet';
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
      last = 'not yet';
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not within ${DEADLINE_MS} ms (last: ${last instanceof Error ? last.message : String(last)})`);
    await sleep(250);
  }
}

function expectUnavailable(res: ApiResponse, component: string): void {
  const problem = expectProblem(res, 503);
  expect(problem.type).toBe('urn:bookstore:problem:unavailable');
  expect(problem.detail).toContain(`${component} is unavailable`);
  expect(res.headers.get('retry-after')).not.toBeNull();
}

interface ProjectionJson {
  name: string;
  lagEvents: number;
  lastError: string | null;
  rebuilding: boolean;
}

/** What a store's shoppers and admin do in these tests, through the real HTTP API. */
function shop(api: ApiHarness, admin: Account) {
  /** Units ordered per book, as the bestseller board should count them. */
  const sold = new Map<string, number>();

  async function projections(): Promise<Map<string, ProjectionJson>> {
    const res = await api.request('GET', '/api/v1/admin/projections', { token: admin.token });
    expect(res.status).toBe(200);
    return new Map(res.body.projections.map((p: ProjectionJson) => [p.name, p]));
  }

  return {
    sold,
    projections,

    async addBook(title: string, category = 'Fiction'): Promise<Book> {
      const book = (await api.createBook(admin, { title, category })) as Book;
      const read = await api.request('GET', `/api/v1/books/${book.id}`);
      expect(read.status).toBe(200);
      expect(read.body.title).toBe(title);
      return book;
    },

    /** Fills the cart, checks out, and retries the checkout with the same key (one order, not two). */
    async buy(account: Account, lines: Array<[Book, number]>): Promise<string> {
      for (const [book, quantity] of lines) {
        const put = await api.request('PUT', `/api/v1/cart/items/${book.id}`, { token: account.token, body: { quantity } });
        expect(put.status).toBe(200);
      }
      const cart = await api.request('GET', '/api/v1/cart', { token: account.token });
      expect(cart.status).toBe(200);
      expect(cart.body.lines).toHaveLength(lines.length);
      const key = `fault-${randomUUID()}`;
      const placed = await api.request('POST', '/api/v1/orders', { token: account.token, headers: { 'idempotency-key': key }, body: { shippingAddress: ADDRESS } });
      expect(placed.status).toBe(201);
      const replay = await api.request('POST', '/api/v1/orders', { token: account.token, headers: { 'idempotency-key': key } });
      expect(replay.status).toBe(200);
      expect(replay.body.order.id).toBe(placed.body.order.id);
      const read = await api.request('GET', `/api/v1/orders/${placed.body.order.id}`, { token: account.token });
      expect(read.status).toBe(200);
      for (const [book, quantity] of lines) sold.set(book.id, (sold.get(book.id) ?? 0) + quantity);
      return placed.body.order.id as string;
    },

    async bestsellers(query = ''): Promise<ApiResponse> {
      return api.request('GET', `/api/v1/bestsellers${query}`);
    },

    /** Book id to units, as GET /bestsellers shows them. */
    async board(query = ''): Promise<Record<string, number>> {
      const res = await api.request('GET', `/api/v1/bestsellers${query}`);
      expect(res.status).toBe(200);
      return Object.fromEntries(res.body.items.map((i: { book: { id: string }; units: number }) => [i.book.id, i.units]));
    },

    async searchIds(q: string): Promise<string[]> {
      const res = await api.request('GET', `/api/v1/search?q=${encodeURIComponent(q)}`);
      expect(res.status).toBe(200);
      return res.body.hits.map((h: { book: { id: string } }) => h.book.id);
    },

    /** Waits until the faulted projection has failed a pass and says why, while the others are healthy. */
    /** Waits until the projections of the stores that are down (and only those) report an error. */
    async reportsFailure(...faulted: string[]): Promise<Map<string, ProjectionJson>> {
      return eventually(`${faulted.join(' and ')} report their failure`, async () => {
        const status = await projections();
        const ok = [...status.values()].every((p) => (faulted.includes(p.name) ? p.lastError !== null : p.lastError === null));
        return ok ? status : undefined;
      });
    },

    /** Waits until a catch-up succeeds and every projection is at the end of the stream with no error. */
    async caughtUp(): Promise<Map<string, ProjectionJson>> {
      return eventually('every projection caught up', async () => {
        await api.store.projections.catchUp();
        const status = await projections();
        const done = [...status.values()].every((p) => p.lastError === null && !p.rebuilding && p.lagEvents === 0);
        return done ? status : undefined;
      });
    },
  };
}

describe('Redis (bestsellers) is killed and restarted empty', () => {
  let redis: RedisProcess | undefined;
  let api: ApiHarness | undefined;
  let store: ReturnType<typeof shop>;
  let ann: Account;
  let ben: Account;
  const books: Record<string, Book> = {};

  beforeAll(async () => {
    redis = await startRedisProcess();
    api = await startApi({ env: { BOOKSTORE_REDIS_URL: redis.url } });
    // As `bookstore serve` does: the runner keeps going on its own, and retries what fails.
    api.store.projections.start();
    store = shop(api, await api.admin());
    [ann, ben] = [await api.customer('Ann'), await api.customer('Ben')];
  });
  afterAll(async () => {
    try {
      await api?.close();
    } finally {
      await redis?.close();
    }
  });

  it('answers 503 for bestsellers only, and keeps taking orders', { timeout: FAULT_TEST_MS }, async () => {
    books.essay = await store.addBook('An Essay', 'Essays');
    books.novel = await store.addBook('A Novel');
    await store.buy(ann, [
      [books.essay, 2],
      [books.novel, 1],
    ]);
    await store.caughtUp();
    expect(await store.board()).toEqual({ [books.essay.id]: 2, [books.novel.id]: 1 });

    await redis!.kill();

    const late = await store.addBook('A Late Arrival', 'Essays');
    books.late = late;
    await store.buy(ben, [
      [books.essay, 1],
      [books.late, 3],
    ]);
    await store.buy(ann, [[books.novel, 2]]);
    await store.buy(ben, [[books.late, 1]]);

    expectUnavailable(await store.bestsellers(), 'bestsellers');
    expectUnavailable(await store.bestsellers('?window=1d&category=Essays'), 'bestsellers');
    expectUnavailable(await api!.request('GET', '/readyz'), 'bestsellers');
    // The other projections keep flowing: the book added while Redis is down becomes searchable.
    await eventually('the new book is searchable', async () => ((await store.searchIds('late arrival')).includes(late.id) ? true : undefined));
    // Book reads go on without the book cache, which lives in the same Redis (its projection fails too).
    const read = await api!.request('GET', `/api/v1/books/${books.essay!.id}`);
    expect(read.status).toBe(200);
    expect(read.body.title).toBe('An Essay');
    const status = await store.reportsFailure('bestsellers', 'book-cache');
    expect(status.get('bestsellers')!.lastError).toMatch(/\S/);
    expect(status.get('book-cache')!.lastError).toMatch(/\S/);
  });

  it('rebuilds the board after the restart and counts every order exactly once', { timeout: FAULT_TEST_MS }, async () => {
    await redis!.start();
    await store.caughtUp();

    const sold = Object.fromEntries(store.sold);
    expect(sold).toEqual({ [books.essay!.id]: 3, [books.novel!.id]: 3, [books.late!.id]: 4 });
    expect(await store.board()).toEqual(sold);
    expect(await store.board('?window=1d')).toEqual(sold);
    expect(await store.board('?category=Essays')).toEqual({ [books.essay!.id]: 3, [books.late!.id]: 4 });
    expect((await api!.request('GET', '/readyz')).status).toBe(200);

    // Delivering the whole stream again changes nothing: every order is counted once.
    await api!.store.projections.rewind('bestsellers', 0);
    await store.caughtUp();
    expect(await store.board()).toEqual(sold);
  });
});

describe('OpenSearch (search) becomes unreachable and comes back', () => {
  let proxy: TcpProxy | undefined;
  let api: ApiHarness | undefined;
  let store: ReturnType<typeof shop>;
  let ann: Account;
  let admin: Account;
  const books: Record<string, Book> = {};
  let acceptedBeforeDown = 0;

  beforeAll(async () => {
    const target = new URL(endpoints.opensearch);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port) });
    api = await startApi({ env: { BOOKSTORE_OPENSEARCH_URL: `http://127.0.0.1:${proxy.port}` } });
    api.store.projections.start();
    admin = await api.admin();
    store = shop(api, admin);
    ann = await api.customer('Ann');
  });
  afterAll(async () => {
    try {
      await api?.close();
    } finally {
      await proxy?.close();
    }
  });

  it('answers 503 for search only, and keeps the catalog and checkout working', { timeout: FAULT_TEST_MS }, async () => {
    books.marigold = await store.addBook('Marigold');
    books.lantern = await store.addBook('Lantern');
    await store.caughtUp();
    expect(await store.searchIds('marigold')).toEqual([books.marigold.id]);
    acceptedBeforeDown = proxy!.accepted;
    expect(acceptedBeforeDown).toBeGreaterThan(0);

    await proxy!.down();

    books.harbour = await store.addBook('Harbour');
    books.orchard = await store.addBook('Orchard');
    books.thimble = await store.addBook('Thimble');
    const current = await api!.request('GET', `/api/v1/books/${books.lantern.id}`);
    const renamed = await api!.request('PATCH', `/api/v1/books/${books.lantern.id}`, {
      token: admin.token,
      headers: { 'if-match': current.headers.get('etag')! },
      body: { title: 'Juniper' },
    });
    expect(renamed.status).toBe(200);
    await store.buy(ann, [
      [books.harbour, 2],
      [books.marigold, 1],
    ]);

    expectUnavailable(await api!.request('GET', '/api/v1/search?q=harbour'), 'search');
    expectUnavailable(await api!.request('GET', '/api/v1/search/suggest?q=harb'), 'search');
    expectUnavailable(await api!.request('GET', '/readyz'), 'search');
    await eventually('the bestsellers count the new order', async () => {
      const board = await store.board();
      return board[books.harbour!.id] === 2 ? board : undefined;
    });
    const status = await store.reportsFailure('search');
    expect(status.get('search')!.lastError).toMatch(/\S/);
  });

  it('indexes every change made while it was away', { timeout: FAULT_TEST_MS }, async () => {
    await proxy!.up();
    await store.caughtUp();
    expect(proxy!.accepted).toBeGreaterThan(acceptedBeforeDown);

    expect(await store.searchIds('harbour')).toEqual([books.harbour!.id]);
    expect(await store.searchIds('orchard')).toEqual([books.orchard!.id]);
    expect(await store.searchIds('thimble')).toEqual([books.thimble!.id]);
    expect(await store.searchIds('juniper')).toEqual([books.lantern!.id]);
    expect(await store.searchIds('lantern')).toEqual([]);
    const all = await api!.request('GET', '/api/v1/search?q=&limit=50');
    expect(all.body.total).toBe(5);
    expect((await api!.request('GET', '/readyz')).status).toBe(200);
  });
});

describe('Gremlin Server (graph) becomes unreachable and comes back', () => {
  let proxy: TcpProxy | undefined;
  let api: ApiHarness | undefined;
  let store: ReturnType<typeof shop>;
  let alice: Account;
  let bob: Account;
  let carol: Account;
  let dave: Account;
  const books: Record<string, Book> = {};
  let acceptedBeforeDown = 0;

  beforeAll(async () => {
    const target = new URL(endpoints.gremlin);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port) });
    api = await startApi({ env: { BOOKSTORE_GREMLIN_URL: `ws://127.0.0.1:${proxy.port}${target.pathname}` } });
    api.store.projections.start();
    store = shop(api, await api.admin());
    [alice, bob, carol, dave] = [await api.customer('Alice'), await api.customer('Bob'), await api.customer('Carol'), await api.customer('Dave')];
  });
  afterAll(async () => {
    try {
      await api?.close();
    } finally {
      await proxy?.close();
    }
  });

  async function befriend(a: Account, b: Account) {
    expect((await api!.request('PUT', `/api/v1/friends/${b.id}`, { token: a.token })).body).toEqual({ status: 'pending' });
    expect((await api!.request('PUT', `/api/v1/friends/${a.id}`, { token: b.token })).body).toEqual({ status: 'accepted' });
  }

  const ranked = (items: Array<{ book: { id: string }; friendCount: number }>) => items.map((i) => [i.book.id, i.friendCount]);
  const byId = (...ids: string[]) => [...ids].sort();

  it('answers 503 for recommendations only, and keeps friends and checkout working', { timeout: FAULT_TEST_MS }, async () => {
    for (const title of ['X', 'Y', 'Z', 'W']) books[title] = await store.addBook(title);
    const { X, Y, Z, W } = books as Record<'X' | 'Y' | 'Z' | 'W', Book>;
    await befriend(alice, bob);
    await store.buy(bob, [[X, 1]]);
    await store.caughtUp();
    const before = await api!.request('GET', '/api/v1/recommendations', { token: alice.token });
    expect(ranked(before.body.items)).toEqual([[X.id, 1]]);
    acceptedBeforeDown = proxy!.accepted;
    expect(acceptedBeforeDown).toBeGreaterThan(0);

    await proxy!.down();

    await befriend(carol, alice);
    const friends = await api!.request('GET', '/api/v1/friends', { token: alice.token });
    expect(friends.status).toBe(200);
    expect(friends.body.friends.map((f: { id: string }) => f.id).sort()).toEqual(byId(bob.id, carol.id));
    await store.buy(bob, [[Y, 1]]);
    await store.buy(carol, [
      [Y, 1],
      [Z, 2],
    ]);
    await store.buy(dave, [
      [X, 1],
      [W, 1],
    ]);

    expectUnavailable(await api!.request('GET', '/api/v1/recommendations', { token: alice.token }), 'graph');
    expectUnavailable(await api!.request('GET', `/api/v1/books/${X.id}/recommendations`), 'graph');
    expectUnavailable(await api!.request('GET', `/api/v1/books/${Y.id}/recommendations`, { token: alice.token }), 'graph');
    expectUnavailable(await api!.request('GET', '/readyz'), 'graph');
    await eventually('the bestsellers count the new orders', async () => {
      const board = await store.board();
      return board[Z.id] === 2 ? board : undefined;
    });
    const status = await store.reportsFailure('graph');
    expect(status.get('graph')!.lastError).toMatch(/\S/);
  });

  it('adds every friendship and purchase made while it was away', { timeout: FAULT_TEST_MS }, async () => {
    const { X, Y, Z, W } = books as Record<'X' | 'Y' | 'Z' | 'W', Book>;
    await proxy!.up();
    await store.caughtUp();
    expect(proxy!.accepted).toBeGreaterThan(acceptedBeforeDown);

    // Y: Bob and Carol; X: Bob; Z: Carol. Ties go by ascending id.
    const forAlice = await api!.request('GET', '/api/v1/recommendations', { token: alice.token });
    expect(forAlice.status).toBe(200);
    expect(ranked(forAlice.body.items)).toEqual([[Y.id, 2], ...byId(X.id, Z.id).map((id) => [id, 1])]);

    const forX = await api!.request('GET', `/api/v1/books/${X.id}/recommendations`);
    expect(forX.status).toBe(200);
    expect(forX.body.alsoBought.map((b: { id: string }) => b.id)).toEqual(byId(Y.id, W.id));
    const forY = await api!.request('GET', `/api/v1/books/${Y.id}/recommendations`, { token: alice.token });
    expect(forY.body.alsoBought.map((b: { id: string }) => b.id)).toEqual(byId(X.id, Z.id));
    expect(forY.body.friendsWhoBought.map((u: { id: string }) => u.id).sort()).toEqual(byId(bob.id, carol.id));
    expect((await api!.request('GET', '/readyz')).status).toBe(200);
  });
});

/** The ids of every book in the table, through the catalog API. */
async function catalogIds(api: ApiHarness): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const res: ApiResponse = await api.request('GET', `/api/v1/books?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(res.status).toBe(200);
    ids.push(...res.body.items.map((b: { id: string }) => b.id));
    cursor = res.body.nextCursor;
  } while (cursor);
  return ids;
}

describe('OpenSearch loses the search index and its checkpoint (a domain wiped or replaced)', () => {
  const client = new OpenSearchClient({ node: endpoints.opensearch });
  let api: ApiHarness | undefined;
  let store: ReturnType<typeof shop>;
  let admin: Account;

  beforeAll(async () => {
    api = await startApi();
    api.store.projections.start();
    admin = await api.admin();
    store = shop(api, admin);
  });
  afterAll(async () => {
    try {
      await api?.close();
    } finally {
      await client.close();
    }
  });

  it('rebuilds the index from the table on its own, and ends with exactly the table\'s books', { timeout: FAULT_TEST_MS }, async () => {
    const saffron = await store.addBook('Saffron');
    const bramble = await store.addBook('Bramble');
    const quill = await store.addBook('Quill');
    await store.caughtUp();
    expect(await store.searchIds('saffron')).toEqual([saffron.id]);

    // Everything this store has in OpenSearch, and only that: its generations, its checkpoint, its template.
    const alias = api!.store.config.engines!.opensearchAlias;
    expect((await client.indices.exists({ index: checkpointIndexName(alias) })).body).toBe(true);
    await client.indices.delete({ index: `${indexPattern(alias)},${checkpointIndexName(alias)}` });
    await client.indices.deleteIndexTemplate({ name: templateName(alias) });
    expect((await client.indices.exists({ index: checkpointIndexName(alias) })).body).toBe(false);

    // Shoppers and admins carry on while the runner finds the checkpoint gone and rebuilds.
    const cinder = await store.addBook('Cinder');
    const wicket = await store.addBook('Wicket');
    const current = await api!.request('GET', `/api/v1/books/${bramble.id}`);
    const renamed = await api!.request('PATCH', `/api/v1/books/${bramble.id}`, {
      token: admin.token,
      headers: { 'if-match': current.headers.get('etag')! },
      body: { title: 'Heather' },
    });
    expect(renamed.status).toBe(200);
    const doomed = await api!.request('GET', `/api/v1/books/${quill.id}`);
    const removed = await api!.request('DELETE', `/api/v1/books/${quill.id}`, { token: admin.token, headers: { 'if-match': doomed.headers.get('etag')! } });
    expect(removed.status).toBe(204);
    await store.caughtUp();
    const fennel = await store.addBook('Fennel');
    await store.caughtUp();

    const table = await catalogIds(api!);
    expect([...table].sort()).toEqual([saffron.id, bramble.id, cinder.id, wicket.id, fennel.id].sort());
    const all = await api!.request('GET', '/api/v1/search?q=&limit=50');
    expect(all.status).toBe(200);
    // None missing, none twice: the same ids, as many hits as books.
    expect(all.body.hits.map((h: { book: { id: string } }) => h.book.id).sort()).toEqual([...table].sort());
    expect(all.body.total).toBe(table.length);
    expect(await store.searchIds('saffron')).toEqual([saffron.id]);
    expect(await store.searchIds('heather')).toEqual([bramble.id]);
    expect(await store.searchIds('bramble')).toEqual([]);
    expect(await store.searchIds('quill')).toEqual([]);
    expect(await store.searchIds('fennel')).toEqual([fennel.id]);
    // The checkpoint is back where it is lost with the index.
    expect((await client.indices.exists({ index: checkpointIndexName(alias) })).body).toBe(true);
    expect((await store.projections()).get('search')).toMatchObject({ lastError: null, rebuilding: false });
  });
});

describe("the graph's namespace is wiped with its checkpoint", () => {
  let api: ApiHarness | undefined;
  let store: ReturnType<typeof shop>;

  beforeAll(async () => {
    api = await startApi();
    api.store.projections.start();
    store = shop(api, await api.admin());
  });
  afterAll(async () => {
    await api?.close();
  });

  async function befriend(a: Account, b: Account) {
    expect((await api!.request('PUT', `/api/v1/friends/${b.id}`, { token: a.token })).body).toEqual({ status: 'pending' });
    expect((await api!.request('PUT', `/api/v1/friends/${a.id}`, { token: b.token })).body).toEqual({ status: 'accepted' });
  }

  const ranked = (items: Array<{ book: { id: string }; friendCount: number }>) => items.map((i) => [i.book.id, i.friendCount]);

  it('rebuilds the graph from the table on its own, and recommends from every friendship and purchase', { timeout: FAULT_TEST_MS }, async () => {
    const [alice, bob, carol] = [await api!.customer('Alice'), await api!.customer('Bob'), await api!.customer('Carol')];
    const [X, Y, Z] = [await store.addBook('X'), await store.addBook('Y'), await store.addBook('Z')] as [Book, Book, Book];
    await befriend(alice, bob);
    await store.buy(bob, [[X, 1]]);
    await store.caughtUp();
    expect(ranked((await api!.request('GET', '/api/v1/recommendations', { token: alice.token })).body.items)).toEqual([[X.id, 1]]);

    // Another instance over the same namespace removes every vertex of it, the checkpoint's included.
    const wiper = await GremlinSocialGraph.connect({ url: endpoints.gremlin, namespace: api!.store.config.engines!.gremlinNamespace });
    try {
      await wiper.destroy();
    } finally {
      await wiper.close();
    }

    await befriend(carol, alice);
    await store.buy(bob, [[Y, 1]]);
    await store.buy(carol, [
      [Y, 1],
      [Z, 2],
    ]);
    await store.caughtUp();

    // Y: Bob and Carol; X: Bob, bought before the wipe; Z: Carol. Ties go by ascending id.
    const forAlice = await api!.request('GET', '/api/v1/recommendations', { token: alice.token });
    expect(forAlice.status).toBe(200);
    expect(ranked(forAlice.body.items)).toEqual([[Y.id, 2], ...[X.id, Z.id].sort().map((id) => [id, 1])]);
    const forX = await api!.request('GET', `/api/v1/books/${X.id}/recommendations`, { token: alice.token });
    expect(forX.body.alsoBought.map((b: { id: string }) => b.id)).toEqual([Y.id]);
    expect(forX.body.friendsWhoBought.map((u: { id: string }) => u.id)).toEqual([bob.id]);
    expect((await store.projections()).get('graph')).toMatchObject({ lastError: null, rebuilding: false });
  });
});

describe('a Gremlin Server that stops answering', () => {
  it('fails a request at its deadline instead of holding it, and answers again once the server does', { timeout: FAULT_TEST_MS }, async () => {
    const target = new URL(endpoints.gremlin);
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port) });
    let graph: GremlinSocialGraph | undefined;
    try {
      graph = await GremlinSocialGraph.connect({
        url: `ws://127.0.0.1:${proxy.port}${target.pathname}`,
        namespace: uniqueName('faults'),
        requestTimeoutMs: 2_000,
      });
      await graph.apply([{ kind: 'purchase', userId: 'ann', bookIds: ['a', 'b'] }]);
      expect(await graph.alsoBought('a', 5)).toEqual([{ bookId: 'b', count: 1 }]);

      // The connection stays open and silent: the driver alone would wait for ever.
      proxy.stall();
      await expect(graph.alsoBought('a', 5)).rejects.toThrow('Gremlin Server did not answer within 2000 ms');
      await expect(graph.apply([{ kind: 'purchase', userId: 'ben', bookIds: ['a', 'c'] }])).rejects.toThrow('did not answer');

      proxy.resume();
      // As the runner does after a failed batch: the same changes again, which upserts make harmless.
      await graph.apply([{ kind: 'purchase', userId: 'ben', bookIds: ['a', 'c'] }]);
      expect(await graph.alsoBought('a', 5)).toEqual([
        { bookId: 'b', count: 1 },
        { bookId: 'c', count: 1 },
      ]);
    } finally {
      proxy.resume();
      try {
        await graph?.destroy();
        await graph?.close();
      } finally {
        await proxy.close();
      }
    }
  });
});
