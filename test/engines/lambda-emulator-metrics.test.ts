/**
 * The metrics the deployed functions write as CloudWatch EMF, read back from their stdout under the
 * emulator (Node 24, the bundles of scripts/lambda-rie/bundles.ts, the local engines).
 *
 * MERGE ORDER: this file needs the metrics branch (the Lambda handlers publishing EMF through
 * Powertools, namespace `Bookstore`, dimensions `service` and `projection`). It fails until that
 * branch is merged, by design: what it checks does not exist before.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmulatedFunction } from '../../scripts/lambda-rie/emulator.js';
import { streamEventSource, type EventSourceMapping } from '../../scripts/lambda-rie/event-source.js';
import { startLocalStack, type LocalStack } from '../../scripts/lambda-rie/local-stack.js';
import { nextIsbn, PASSWORD } from '../api/harness.js';
import { emfDocumentsIn, emfMetrics, type EmfMetric } from '../support/emf-lines.js';
import { httpApiClient, type Answer, type ApiRequest } from '../support/lambda-http.js';

let stack: LocalStack;
let http: EmulatedFunction;
let stream: EmulatedFunction;
let mapping: EventSourceMapping;
let api: (request: ApiRequest) => Promise<Answer>;

/** The metrics one answer's invocation wrote to stdout, as CloudWatch would record them. */
const metricsOf = (answer: Answer): EmfMetric[] => emfMetrics(emfDocumentsIn(answer.invocation.output));
const named = (metrics: EmfMetric[], name: string) => metrics.filter((m) => m.name === name);

const SERVICE = { service: 'bookstore' };
const word = `emf${Date.now().toString(36)}`;
let buyer = { email: '', token: '' };
let bookId = '';

beforeAll(async () => {
  // A sign-in limit of 2 a minute, so the third attempt is refused and counted. Without the origin
  // secret (the local profiles' configuration), so the bundles are run both ways across the suites.
  stack = await startLocalStack({ progress: (line) => console.error(line), functionEnv: { BOOKSTORE_LOGIN_RATE_LIMIT: '2' }, behindCloudFront: false });
  ({ http, stream } = stack.functions);
  // In the CI log: which bundles ran (BOOKSTORE_LAMBDA_BUNDLES=cdk.out: the synthesized assets).
  for (const bundle of [stack.bundles.http, stack.bundles.stream]) console.error(`${bundle.role} bundle: ${bundle.source}, ${bundle.bytes} bytes`);
  api = httpApiClient(http);
  mapping = await streamEventSource({ fn: stream, table: stack.env.BOOKSTORE_DYNAMODB_TABLE!, endpoint: stack.env.BOOKSTORE_DYNAMODB_ENDPOINT!, region: stack.env.AWS_REGION! });

  const email = `emf-buyer.${process.pid}.${word}@example.com`;
  expect((await api({ method: 'POST', path: '/api/v1/auth/signup', json: { email, password: PASSWORD, name: 'Metric Buyer' } })).status).toBe(201);
  buyer = { email, token: (await api({ method: 'POST', path: '/api/v1/auth/login', json: { email, password: PASSWORD } })).body.accessToken };
  const adminEmail = `emf-admin.${process.pid}.${word}@example.com`;
  const admin = await api({ method: 'POST', path: '/api/v1/auth/signup', json: { email: adminEmail, password: PASSWORD, name: 'Metric Admin' } });
  await stack.store.users.setRole(admin.body.user.id, 'admin');
  const adminToken = (await api({ method: 'POST', path: '/api/v1/auth/login', json: { email: adminEmail, password: PASSWORD } })).body.accessToken;
  const book = await api({
    method: 'POST',
    path: '/api/v1/books',
    token: adminToken,
    json: { isbn: nextIsbn(), title: `Counted ${word}`, authors: ['Metric Writer'], category: 'Fiction', description: '', price: 999, currency: 'USD', coverUrl: null, rating: 4, year: 2026 },
  });
  expect(book.status, JSON.stringify(book.body)).toBe(201);
  bookId = book.body.id;
}, 300_000);

afterAll(async () => {
  mapping?.close();
  await stack?.close();
});

describe('EMF from the HTTP function', () => {
  it('counts an order placed (and not its replay under the same Idempotency-Key)', async () => {
    expect((await api({ method: 'PUT', path: `/api/v1/cart/items/${bookId}`, token: buyer.token, json: { quantity: 1 } })).status).toBe(200);
    const key = `emf-order-${word}`;
    const placed = await api({ method: 'POST', path: '/api/v1/orders', token: buyer.token, headers: { 'idempotency-key': key } });
    expect(placed.status, JSON.stringify(placed.body)).toBe(201);
    expect(named(metricsOf(placed), 'OrdersPlaced')).toEqual([{ namespace: 'Bookstore', name: 'OrdersPlaced', unit: 'Count', dimensions: SERVICE, values: [1] }]);
    const replay = await api({ method: 'POST', path: '/api/v1/orders', token: buyer.token, headers: { 'idempotency-key': key } });
    expect(replay.status).toBe(200);
    expect(named(metricsOf(replay), 'OrdersPlaced')).toEqual([]);
  });

  it('counts a checkout refused with 409 (an empty cart) as a checkout conflict', async () => {
    const refused = await api({ method: 'POST', path: '/api/v1/orders', token: buyer.token, headers: { 'idempotency-key': `emf-empty-${word}` } });
    expect(refused.status).toBe(409);
    expect(named(metricsOf(refused), 'CheckoutConflicts')).toEqual([{ namespace: 'Bookstore', name: 'CheckoutConflicts', unit: 'Count', dimensions: SERVICE, values: [1] }]);
  });

  it('counts refused sign-ins, then the one the rate limit stops', async () => {
    const guess = { method: 'POST', path: '/api/v1/auth/login', sourceIp: '198.51.100.7', json: { email: buyer.email, password: 'a wrong guess' } };
    for (let i = 0; i < 2; i++) {
      const refused = await api(guess);
      expect(refused.status).toBe(401);
      expect(named(metricsOf(refused), 'SignInFailures')).toEqual([{ namespace: 'Bookstore', name: 'SignInFailures', unit: 'Count', dimensions: SERVICE, values: [1] }]);
    }
    const limited = await api(guess);
    expect(limited.status).toBe(429);
    expect(named(metricsOf(limited), 'SignInRateLimited')).toEqual([{ namespace: 'Bookstore', name: 'SignInRateLimited', unit: 'Count', dimensions: SERVICE, values: [1] }]);
  });

  it('times a search in milliseconds', async () => {
    const search = await api({ method: 'GET', path: '/api/v1/search', query: [['q', word]] });
    expect(search.status).toBe(200);
    const [latency, ...more] = named(metricsOf(search), 'SearchLatency');
    expect(more).toEqual([]);
    expect(latency).toMatchObject({ namespace: 'Bookstore', unit: 'Milliseconds', dimensions: SERVICE });
    expect(latency!.values).toHaveLength(1);
    expect(latency!.values[0]).toBeGreaterThanOrEqual(0);
  });
});

describe('EMF from the stream function', () => {
  it('records the delivery delay of each projection, with the projection as a dimension', async () => {
    const deliveries = await mapping.drain();
    expect(deliveries.length).toBeGreaterThan(0);
    const delays = named(emfMetrics(emfDocumentsIn(deliveries.flatMap((d) => d.invocation.output))), 'ProjectionDeliveryDelay');
    expect([...new Set(delays.map((m) => m.dimensions.projection))].sort()).toEqual(['bestsellers', 'book-cache', 'graph', 'search']);
    for (const metric of delays) {
      expect(metric).toMatchObject({ namespace: 'Bookstore', unit: 'Milliseconds', dimensions: { ...SERVICE, projection: metric.dimensions.projection } });
      for (const value of metric.values) expect(value).toBeGreaterThanOrEqual(0);
    }
    // Every change the search projection was given is counted once.
    const changes = deliveries.flatMap((d) => d.event.Records).length;
    const searchDelays = delays.filter((m) => m.dimensions.projection === 'search').flatMap((m) => m.values);
    expect(searchDelays.length).toBeGreaterThan(0);
    expect(searchDelays.length).toBeLessThanOrEqual(changes);
    expect(named(emfMetrics(emfDocumentsIn(deliveries.flatMap((d) => d.invocation.output))), 'ProjectionErrors')).toEqual([]);
  });
});

describe('every EMF line either function wrote', () => {
  it('is valid EMF CloudWatch would read (no console prefix, every metric and dimension present)', () => {
    for (const fn of [http, stream]) {
      const documents = emfDocumentsIn(fn.stdout());
      expect(documents.length).toBeGreaterThan(0);
      for (const doc of documents) for (const directive of doc._aws.CloudWatchMetrics) expect(directive.Namespace).toBe('Bookstore');
    }
  });
});
