/**
 * The deployed artifacts run: both function bundles (scripts/lambda-rie/bundles.ts says which) under
 * the AWS Lambda Runtime Interface Emulator with Node 24 and a Runtime API bootstrap of our own,
 * against the engines on this machine. API Gateway HTTP API (payload 2.0) events go to the HTTP
 * function; the table's stream, read as an event source mapping reads it, goes to the stream function.
 */
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { EmulatedFunction } from '../../scripts/lambda-rie/emulator.js';
import { streamEventSource, type EventSourceMapping } from '../../scripts/lambda-rie/event-source.js';
import { startLocalStack, type LocalStack } from '../../scripts/lambda-rie/local-stack.js';
import { nextIsbn, PASSWORD } from '../api/harness.js';
import { httpApiClient, type Answer, type ApiRequest } from '../support/lambda-http.js';

let stack: LocalStack;
let http: EmulatedFunction;
let stream: EmulatedFunction;
let mapping: EventSourceMapping;
let api: (request: ApiRequest) => Promise<Answer>;

let accounts = 0;
async function signUp(name: string): Promise<{ id: string; email: string }> {
  accounts += 1;
  const email = `rie${accounts}.${process.pid}.${Date.now().toString(36)}@example.com`;
  const res = await api({ method: 'POST', path: '/api/v1/auth/signup', json: { email, password: PASSWORD, name } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { id: res.body.user.id, email };
}

async function signIn(email: string): Promise<string> {
  const res = await api({ method: 'POST', path: '/api/v1/auth/login', json: { email, password: PASSWORD } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.accessToken;
}

/** OpenSearch shows a write after its refresh: ask again for a few seconds before calling a miss a miss. */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, seconds = 10): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
}

const word = `rie${Date.now().toString(36)}`;
const titles = { first: `Emulated ${word} Dawn`, second: `Emulated ${word} Dusk` };
const books: Record<keyof typeof titles, string> = { first: '', second: '' };
let adminToken = '';
let buyer = { id: '', email: '', token: '' };
let orderBatches: DynamoDBStreamEvent[] = [];

beforeAll(async () => {
  stack = await startLocalStack({ progress: (line) => console.error(line) });
  ({ http, stream } = stack.functions);
  // In the CI log: which bundles ran (BOOKSTORE_LAMBDA_BUNDLES=cdk.out: the synthesized assets).
  for (const bundle of [stack.bundles.http, stack.bundles.stream]) console.error(`${bundle.role} bundle: ${bundle.source}, ${bundle.bytes} bytes`);
  // As deployed: the function has an origin secret, and the client plays CloudFront.
  api = httpApiClient(http, stack.originSecret);
  mapping = await streamEventSource({ fn: stream, table: stack.env.BOOKSTORE_DYNAMODB_TABLE!, endpoint: stack.env.BOOKSTORE_DYNAMODB_ENDPOINT!, region: stack.env.AWS_REGION! });
}, 300_000);

afterAll(async () => {
  mapping?.close();
  await stack?.close();
});

describe('the HTTP function under the emulator', () => {
  it('answers the first event of a cold start, with the security headers of the server', async () => {
    const res = await api({ method: 'GET', path: '/healthz' });
    expect(res.status).toBe(200);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(http.initDurationMs()).toBeGreaterThan(0);
  });

  it('refuses an event that did not come through CloudFront (no origin secret) with 403 problem+json', async () => {
    expect(stack.originSecret).not.toBeNull();
    const direct = httpApiClient(http);
    const res = await direct({ method: 'GET', path: '/api/v1/books' });
    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 403, type: 'urn:bookstore:problem:forbidden' });
    expect((await direct({ method: 'GET', path: '/api/v1/books', headers: { 'x-origin-verify': 'a guess' } })).status).toBe(403);
  });

  it('signs a customer up (201) and in (200 with a bearer token that opens /me)', async () => {
    const account = await signUp('Emulated Buyer');
    const token = await signIn(account.email);
    expect(token.split('.')).toHaveLength(3);
    const me = await api({ method: 'GET', path: '/api/v1/me', token });
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ id: account.id, email: account.email, role: 'customer' });
    buyer = { ...account, token };
  });

  it('refuses a wrong password with 401 problem+json and a bad sign-up field with 400 naming it', async () => {
    const wrong = await api({ method: 'POST', path: '/api/v1/auth/login', json: { email: buyer.email, password: 'not the password' } });
    expect(wrong.status).toBe(401);
    expect(wrong.headers['content-type']).toMatch(/^application\/problem\+json/);
    const bad = await api({ method: 'POST', path: '/api/v1/auth/signup', json: { email: 'not-an-email', password: PASSWORD, name: 'X' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['email']);
  });

  it('lets an admin add books, which search does not find before the stream delivers them', async () => {
    const admin = await signUp('Emulated Admin');
    await stack.store.users.setRole(admin.id, 'admin');
    adminToken = await signIn(admin.email);
    for (const key of ['first', 'second'] as const) {
      const created = await api({
        method: 'POST',
        path: '/api/v1/books',
        token: adminToken,
        json: { isbn: nextIsbn(), title: titles[key], authors: ['Ada Emulator'], category: 'Fiction', description: '', price: 1250, currency: 'USD', coverUrl: null, rating: 4, year: 2026 },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      books[key] = created.body.id;
    }
    const search = await api({ method: 'GET', path: '/api/v1/search', query: [['q', word]] });
    expect(search.status).toBe(200);
    expect(search.body.hits).toEqual([]);
  });

  it('delivers the stream to the stream function, after which search finds both books', async () => {
    const deliveries = await mapping.drain();
    expect(deliveries.length).toBeGreaterThan(0);
    for (const { invocation } of deliveries) {
      expect(invocation.failed, JSON.stringify(invocation.payload)).toBe(false);
      expect(invocation.payload).toEqual({ batchItemFailures: [] });
    }
    const delivered = deliveries.flatMap((d) => d.event.Records.map((r) => r.dynamodb?.NewImage?.id?.S));
    expect(delivered).toEqual(expect.arrayContaining([books.first, books.second]));
    const search = await eventually(
      () => api({ method: 'GET', path: '/api/v1/search', query: [['q', word]] }),
      (res) => res.body?.hits?.length === 2,
    );
    expect(search.status).toBe(200);
    expect(search.body.hits.map((h: { book: { id: string } }) => h.book.id).sort()).toEqual([books.first, books.second].sort());
  });

  it('keeps a cart: PUT a line, GET the cart priced from the catalog', async () => {
    const put = await api({ method: 'PUT', path: `/api/v1/cart/items/${books.first}`, token: buyer.token, json: { quantity: 2 } });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    await api({ method: 'PUT', path: `/api/v1/cart/items/${books.second}`, token: buyer.token, json: { quantity: 1 } });
    const cart = await api({ method: 'GET', path: '/api/v1/cart', token: buyer.token });
    expect(cart.status).toBe(200);
    const lines = Object.fromEntries(cart.body.lines.map((l: { bookId: string; quantity: number; unitPrice: number }) => [l.bookId, [l.quantity, l.unitPrice]]));
    expect(lines).toEqual({ [books.first]: [2, 1250], [books.second]: [1, 1250] });
    expect(cart.body).toMatchObject({ itemCount: 3, subtotal: 3750, currency: 'USD' });
  });

  it('checks out once per Idempotency-Key: 201 with a Location, then 200 with the same order when retried', async () => {
    const key = `rie-checkout-${word}`;
    const placed = await api({ method: 'POST', path: '/api/v1/orders', token: buyer.token, headers: { 'idempotency-key': key } });
    expect(placed.status, JSON.stringify(placed.body)).toBe(201);
    expect(placed.headers.location).toBe(`/api/v1/orders/${encodeURIComponent(placed.body.order.id)}`);
    expect(placed.body.order).toMatchObject({ total: 3750, currency: 'USD' });
    const retried = await api({ method: 'POST', path: '/api/v1/orders', token: buyer.token, headers: { 'idempotency-key': key } });
    expect(retried.status).toBe(200);
    expect(retried.body.order.id).toBe(placed.body.order.id);
    const cart = await api({ method: 'GET', path: '/api/v1/cart', token: buyer.token });
    expect(cart.body.lines).toEqual([]);
    const mine = await api({ method: 'GET', path: '/api/v1/orders', token: buyer.token });
    expect(mine.body.items.map((o: { id: string }) => o.id)).toEqual([placed.body.order.id]);
  });

  it('delivers the order through the stream to the bestseller board and the graph', async () => {
    const before = await api({ method: 'GET', path: '/api/v1/bestsellers', query: [['category', 'Fiction']] });
    expect(before.body.items).toEqual([]);
    const deliveries = await mapping.drain();
    expect(deliveries.every((d) => !d.invocation.failed && d.invocation.payload.batchItemFailures.length === 0)).toBe(true);
    orderBatches = deliveries.map((d) => d.event);

    const board = await api({ method: 'GET', path: '/api/v1/bestsellers', query: [['category', 'Fiction']] });
    expect(board.status).toBe(200);
    expect(board.body.items.map((i: { book: { id: string }; units: number }) => [i.book.id, i.units])).toEqual([
      [books.first, 2],
      [books.second, 1],
    ]);
    const related = await api({ method: 'GET', path: `/api/v1/books/${books.first}/recommendations` });
    expect(related.status).toBe(200);
    expect(related.body.alsoBought.map((b: { id: string }) => b.id)).toEqual([books.second]);
  });

  it('redelivering the same batches changes nothing (the projections are idempotent)', async () => {
    expect(orderBatches.length).toBeGreaterThan(0);
    for (const event of orderBatches) {
      const again = await stream.invoke<DynamoDBBatchResponse>(event);
      expect(again.failed, JSON.stringify(again.payload)).toBe(false);
      expect(again.payload).toEqual({ batchItemFailures: [] });
    }
    const board = await api({ method: 'GET', path: '/api/v1/bestsellers', query: [['category', 'Fiction']] });
    expect(board.body.items.map((i: { units: number }) => i.units)).toEqual([2, 1]);
  });

  it('serves the OpenAPI document at /docs as JSON and as YAML (the bundle writes its YAML as JSON, which YAML reads the same)', async () => {
    const json = await api({ method: 'GET', path: '/docs/json' });
    expect(json.status).toBe(200);
    expect(json.body.openapi).toBe('3.0.3');
    expect(Object.keys(json.body.paths)).toContain('/api/v1/search');
    const yaml = await api({ method: 'GET', path: '/docs/yaml' });
    expect(yaml.status).toBe(200);
    expect(yaml.headers['content-type']).toMatch(/^application\/x-yaml/);
    expect(parseYaml(String(yaml.body))).toEqual(json.body);
    // Swagger UI's own files, from the copy beside the bundle.
    const ui = await api({ method: 'GET', path: '/docs/static/swagger-ui-bundle.js' });
    expect(ui.status).toBe(200);
    expect(String(ui.body)).toContain('SwaggerUIBundle');
  });

  it('ran every invocation in the one container that started cold', () => {
    const reports = http.stdout().filter((l) => l.startsWith('REPORT '));
    expect(reports.length).toBeGreaterThan(10);
    // Init happens once per emulator: every later invocation reused the runtime, store and app.
    expect(http.stderr().filter((l) => l.includes('INIT START'))).toHaveLength(1);
    expect(stream.stderr().filter((l) => l.includes('INIT START'))).toHaveLength(1);
  });
});
