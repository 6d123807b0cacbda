import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { brotliDecompressSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { CloudWatchEmfMetrics } from '../../src/adapters/cloudwatch/cloudwatch-emf-metrics.js';
import { NoopMetrics } from '../../src/adapters/noop-metrics.js';
import { loadConfig } from '../../src/config.js';
import { openStore, type Store } from '../../src/composition.js';
import { createHttpHandler, type HttpEvent, type HttpHandler, type HttpHandlerOptions, type HttpResult } from '../../src/lambda/http-handler.js';
import type { InvocationMetrics } from '../../src/lambda/metrics.js';
import { nextIsbn, PASSWORD } from '../api/harness.js';
import { captureStdout, emfDocuments, type EmfDocument } from '../support/stdout-capture.js';
import { tempDir } from '../support/temp-dir.js';
import { httpApiEvent, lambdaContext, restApiEvent, viaCloudFront as cloudFront, type EventRequest } from './events.js';

interface Answer {
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON when the answer is JSON, the text otherwise. */
  body: any;
  raw: HttpResult;
}

/** Metrics that record and publish nothing, counting how often they were published. */
function unpublished(): InvocationMetrics & { publish: ReturnType<typeof vi.fn> } {
  return Object.assign(new NoopMetrics(), { publish: vi.fn() });
}

/** A handler over a fresh embedded store in a temp directory, counting how often it opens the store. */
function lambdaApi(env: Record<string, string> = {}, options: HttpHandlerOptions = {}) {
  const dir = tempDir('bookstore-lambda-');
  const stores: Store[] = [];
  const handler = createHttpHandler(
    async (storeOptions) => {
      const store = await openStore(loadConfig({ BOOKSTORE_DATA_DIR: dir.path, BOOKSTORE_SCRYPT_COST: '16384', BOOKSTORE_LOG_LEVEL: 'silent', BOOKSTORE_LOGIN_ADDRESS_RATE_LIMIT: '100000', BOOKSTORE_SIGNUP_RATE_LIMIT: '100000', ...env }), storeOptions);
      vi.spyOn(store.projections, 'start');
      stores.push(store);
      return store;
    },
    // EMF on stdout only where a test looks at it.
    { metrics: unpublished(), ...options },
  );

  async function invoke(event: HttpEvent): Promise<Answer> {
    const raw = await handler(event, lambdaContext());
    const type = raw.headers['content-type'] ?? '';
    const body = raw.body === '' ? null : type.includes('json') ? JSON.parse(raw.body) : raw.body;
    return { status: raw.statusCode, headers: raw.headers, body, raw };
  }

  return {
    dir,
    handler,
    stores,
    invoke,
    v2: (request: EventRequest) => invoke(httpApiEvent(request)),
    v1: (request: EventRequest) => invoke(restApiEvent(request)),
    async close() {
      await handler.close();
      dir.remove();
    },
  };
}

type LambdaApi = ReturnType<typeof lambdaApi>;

const json = (body: unknown) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

function expectProblem(answer: Answer, status: number): { detail: string; errors?: Array<{ field: string }> } {
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(answer.body).toMatchObject({ status, type: expect.any(String), title: expect.any(String), detail: expect.any(String) });
  expect(answer.raw.isBase64Encoded).toBe(false);
  return answer.body;
}

const fields = (problem: { errors?: Array<{ field: string }> }) => (problem.errors ?? []).map((e) => e.field);

let accounts = 0;

async function signUpAndIn(api: LambdaApi, name = 'Reader'): Promise<{ id: string; email: string; token: string }> {
  accounts += 1;
  const email = `reader${accounts}.${process.pid}@example.com`;
  const signUp = await api.v2({ method: 'POST', path: '/api/v1/auth/signup', ...json({ email, password: PASSWORD, name }) });
  expect(signUp.status, JSON.stringify(signUp.body)).toBe(201);
  const signIn = await api.v2({ method: 'POST', path: '/api/v1/auth/login', ...json({ email, password: PASSWORD }) });
  expect(signIn.status, JSON.stringify(signIn.body)).toBe(200);
  return { id: signUp.body.user.id, email, token: signIn.body.accessToken };
}

describe('the HTTP Lambda handler', () => {
  let api: LambdaApi;
  let adminToken: string;
  const bookIds = new Map<string, string>();

  beforeAll(async () => {
    api = lambdaApi();
    const admin = await signUpAndIn(api, 'Admin');
    const store = api.stores[0];
    if (!store) throw new Error('the handler opened no store');
    await store.users.setRole(admin.id, 'admin');
    adminToken = (await api.v2({ method: 'POST', path: '/api/v1/auth/login', ...json({ email: admin.email, password: PASSWORD }) })).body.accessToken;
    for (const [title, authors, category] of [
      ['The Hobbit', ['J.R.R. Tolkien'], 'Fantasy'],
      ['The Silmarillion', ['J.R.R. Tolkien'], 'Fantasy'],
      ['Pride and Prejudice', ['Jane Austen'], 'Classics'],
    ] as const) {
      const created = await api.v1({
        method: 'POST',
        path: '/api/v1/books',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${adminToken}` },
        body: JSON.stringify({ isbn: nextIsbn(), title, authors, category, description: '', price: 1299, currency: 'USD', coverUrl: null, rating: 4.5, year: 1937 }),
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      bookIds.set(title, created.body.id);
    }
  });
  afterAll(async () => {
    await api.close();
  });

  it('lists books for an HTTP API (v2) event: 200 and a JSON page', async () => {
    const res = await api.v2({ method: 'GET', path: '/api/v1/books' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.raw.isBase64Encoded).toBe(false);
    expect(res.body.items.map((b: { title: string }) => b.title)).toEqual(['Pride and Prejudice', 'The Hobbit', 'The Silmarillion']);
  });

  it('lists books for a REST API (v1) event on a named stage', async () => {
    const res = await api.v1({ method: 'GET', path: '/api/v1/books', query: [['limit', '2']] });
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(2);
    expect(typeof res.body.nextCursor).toBe('string');
  });

  it('answers an unknown book and an unknown path with 404 problem+json', async () => {
    expectProblem(await api.v2({ method: 'GET', path: '/api/v1/books/no-such-book' }), 404);
    // The web app is not served here, even to a browser asking for a page.
    expectProblem(await api.v1({ method: 'GET', path: '/books/whatever', headers: { Accept: 'text/html' } }), 404);
  });

  it('refuses a POST with a bad field, naming it, and a body that is not JSON', async () => {
    const bad = await api.v2({ method: 'POST', path: '/api/v1/auth/signup', ...json({ email: 'not-an-email', password: PASSWORD, name: 'X' }) });
    expect(fields(expectProblem(bad, 400))).toEqual(['email']);
    const extra = await api.v1({ method: 'POST', path: '/api/v1/auth/signup', ...json({ email: 'x@example.com', password: PASSWORD, name: 'X', role: 'admin' }) });
    expect(fields(expectProblem(extra, 400))).toEqual(['role']);
    const broken = await api.v2({ method: 'POST', path: '/api/v1/auth/signup', headers: { 'content-type': 'application/json' }, body: '{"email":' });
    expectProblem(broken, 400);
  });

  it('signs up and in, then serves the account with its bearer token and 401 without', async () => {
    const reader = await signUpAndIn(api);
    const v2 = await api.v2({ method: 'GET', path: '/api/v1/me', headers: { authorization: `Bearer ${reader.token}` } });
    expect(v2.status).toBe(200);
    expect(v2.body.user).toMatchObject({ id: reader.id, email: reader.email, role: 'customer' });
    const v1 = await api.v1({ method: 'GET', path: '/api/v1/me', headers: { Authorization: `Bearer ${reader.token}` } });
    expect(v1.body.user.id).toBe(reader.id);

    const anonymous = await api.v2({ method: 'GET', path: '/api/v1/me' });
    expectProblem(anonymous, 401);
    expect(anonymous.headers['www-authenticate']).toMatch(/^Bearer/);
    expectProblem(await api.v1({ method: 'GET', path: '/api/v1/me', headers: { Authorization: 'Bearer not.a.token' } }), 401);
  });

  it('passes repeated query parameters through as several values, as the HTTP server gets them', async () => {
    const one = await api.v1({ method: 'GET', path: '/api/v1/books', query: [['category', 'Fantasy'], ['limit', '1']] });
    expect(one.status).toBe(200);
    expect(one.body.items.map((b: { title: string }) => b.title)).toEqual(['The Hobbit']);
    // category takes one value: both reaching the app is what makes this a 400 naming it.
    const twoV1 = await api.v1({ method: 'GET', path: '/api/v1/books', query: [['category', 'Fantasy'], ['category', 'Classics']] });
    expect(fields(expectProblem(twoV1, 400))).toEqual(['category']);
    const twoV2 = await api.v2({ method: 'GET', path: '/api/v1/books', query: [['category', 'Fantasy'], ['category', 'Classics']] });
    expect(fields(expectProblem(twoV2, 400))).toEqual(['category']);
  });

  it('keeps a comma inside one HTTP API query value as one value', async () => {
    await api.stores[0]?.projections.catchUp(); // by hand: stream handlers feed the index on AWS
    const res = await api.v2({ method: 'GET', path: '/api/v1/search', query: [['q', 'hobbit,tolkien'], ['category', 'Fantasy']] });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.hits[0].book.id).toBe(bookIds.get('The Hobbit'));
  });

  it('decodes base64-encoded request bodies (isBase64Encoded) in both formats', async () => {
    const name = 'Zoë Ångström 📚';
    const v2 = await api.v2({ method: 'POST', path: '/api/v1/auth/signup', base64: true, ...json({ email: `zoe.${process.pid}@example.com`, password: PASSWORD, name }) });
    expect(v2.status, JSON.stringify(v2.body)).toBe(201);
    expect(v2.body.user.name).toBe(name);
    const v1 = await api.v1({ method: 'POST', path: '/api/v1/auth/login', base64: true, ...json({ email: `zoe.${process.pid}@example.com`, password: PASSWORD }) });
    expect(v1.status, JSON.stringify(v1.body)).toBe(200);
    expect(v1.body.user.name).toBe(name);
  });

  it('base64-encodes binary answers (Swagger UI icons) and leaves JSON as text', async () => {
    const icon = await api.v2({ method: 'GET', path: '/docs/static/favicon-32x32.png', headers: { accept: 'image/png' } });
    expect(icon.status).toBe(200);
    expect(icon.raw.isBase64Encoded).toBe(true);
    expect(Buffer.from(icon.raw.body, 'base64').subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const spec = await api.v2({ method: 'GET', path: '/api/v1/openapi.json' });
    expect(spec.raw.isBase64Encoded).toBe(false);
    expect(spec.body.info.title).toBe('Bookstore API');
  });

  it('compresses a JSON answer for a client that accepts brotli, returned as base64 as API Gateway needs', async () => {
    const spec = await api.handler(httpApiEvent({ method: 'GET', path: '/api/v1/openapi.json', headers: { 'accept-encoding': 'br, gzip' } }), lambdaContext());
    expect(spec.statusCode).toBe(200);
    expect(spec.headers['content-encoding']).toBe('br');
    expect(spec.isBase64Encoded).toBe(true);
    expect(JSON.parse(brotliDecompressSync(Buffer.from(spec.body, 'base64')).toString()).info.title).toBe('Bookstore API');
  });

  it('echoes the REST API request id so logs and API Gateway agree', async () => {
    const event = restApiEvent({ method: 'GET', path: '/healthz' });
    const res = await api.invoke(event);
    expect(res.status).toBe(200);
    expect(res.headers['x-request-id']).toBe(event.requestContext.requestId);
  });

  it('opened one store for every invocation so far and never started the projections', () => {
    expect(api.stores).toHaveLength(1);
    expect(api.stores[0]?.projections.start).not.toHaveBeenCalled();
  });
});

describe('opening the store once per container', () => {
  const apis: LambdaApi[] = [];
  afterEach(async () => {
    await Promise.all(apis.splice(0).map((a) => a.close()));
  });

  it('shares one store between invocations, even concurrent first ones', async () => {
    const api = lambdaApi();
    apis.push(api);
    const first = await Promise.all([api.v2({ method: 'GET', path: '/healthz' }), api.v1({ method: 'GET', path: '/healthz' })]);
    const later = await api.v2({ method: 'GET', path: '/api/v1/books' });
    expect([...first, later].map((r) => r.status)).toEqual([200, 200, 200]);
    expect(api.stores).toHaveLength(1);
  });

  it('retries opening on the next invocation after a failed one', async () => {
    const dir = tempDir('bookstore-lambda-');
    let opens = 0;
    const handler: HttpHandler = createHttpHandler(async () => {
      opens += 1;
      if (opens === 1) throw new Error('the store is not reachable yet');
      return openStore(loadConfig({ BOOKSTORE_DATA_DIR: dir.path, BOOKSTORE_LOG_LEVEL: 'silent' }));
    });
    try {
      await expect(handler(httpApiEvent({ method: 'GET', path: '/healthz' }), lambdaContext())).rejects.toThrow('not reachable yet');
      expect((await handler(httpApiEvent({ method: 'GET', path: '/healthz' }), lambdaContext())).statusCode).toBe(200);
      expect((await handler(httpApiEvent({ method: 'GET', path: '/healthz' }), lambdaContext())).statusCode).toBe(200);
      expect(opens).toBe(2);
    } finally {
      await handler.close();
      dir.remove();
    }
  });
});

describe('client addresses and logs', () => {
  const apis: LambdaApi[] = [];
  afterEach(async () => {
    await Promise.all(apis.splice(0).map((a) => a.close()));
  });

  it('rate-limits sign-in by API Gateway sourceIp, not by X-Forwarded-For', async () => {
    const api = lambdaApi({ BOOKSTORE_LOGIN_ADDRESS_RATE_LIMIT: '2' });
    apis.push(api);
    // Another email each time: the address is what is counted here, not the account.
    let n = 0;
    const login = () => ({ method: 'POST', path: '/api/v1/auth/login', ...json({ email: `target${(n += 1)}@example.com`, password: 'wrong password' }) });
    expect((await api.v2({ ...login(), sourceIp: '198.51.100.7' })).status).toBe(401);
    expect((await api.v2({ ...login(), sourceIp: '198.51.100.7' })).status).toBe(401);
    expectProblem(await api.v2({ ...login(), sourceIp: '198.51.100.7' }), 429);
    // The REST API's identity.sourceIp is the same client.
    expectProblem(await api.v1({ ...login(), sourceIp: '198.51.100.7' }), 429);
    // A forged X-Forwarded-For does not make a new client; another source address does.
    const attempt = login();
    const forged = { ...attempt, sourceIp: '198.51.100.7', headers: { ...attempt.headers, 'x-forwarded-for': '192.0.2.99, 198.51.100.7' } };
    expectProblem(await api.v2(forged), 429);
    expect((await api.v2({ ...login(), sourceIp: '198.51.100.8' })).status).toBe(401);
  });

  describe('behind CloudFront (origin secret configured)', () => {
    const SECRET = 'origin-secret-of-this-test-0123456789-abcdefghijklmnop';
    // What CloudFront adds: the secret of the origin config, and the viewer's address and port.
    const viaCloudFront = (request: EventRequest, viewer: string): EventRequest => {
      const colon = viewer.lastIndexOf(':');
      return cloudFront({ ...request, sourceIp: viewer.slice(0, colon) }, SECRET, Number(viewer.slice(colon + 1)));
    };

    it('rate-limits sign-in by CloudFront-Viewer-Address, not by the edge sourceIp', async () => {
      const api = lambdaApi({ BOOKSTORE_LOGIN_ADDRESS_RATE_LIMIT: '2' }, { originSecret: SECRET });
      apis.push(api);
      let n = 0;
      const login = () => ({ method: 'POST', path: '/api/v1/auth/login', ...json({ email: `viewer${(n += 1)}@example.com`, password: 'wrong password' }) });
      expect((await api.v2(viaCloudFront(login(), '198.51.100.7:50001'))).status).toBe(401);
      // Another port of the same viewer is the same client.
      expect((await api.v2(viaCloudFront(login(), '198.51.100.7:50002'))).status).toBe(401);
      expectProblem(await api.v2(viaCloudFront(login(), '198.51.100.7:50003')), 429);
      // Other shoppers behind the same edge server are not limited with it, over IPv4 or IPv6.
      expect((await api.v2(viaCloudFront(login(), '198.51.100.8:50001'))).status).toBe(401);
      expect((await api.v2(viaCloudFront(login(), '2001:db8:1234::9:443'))).status).toBe(401);
      expect((await api.v1(viaCloudFront(login(), '203.0.113.77:443'))).status).toBe(401);
    });

    it('refuses requests without the secret or with a wrong one with 403, and without opening the store', async () => {
      const api = lambdaApi({}, { originSecret: SECRET });
      apis.push(api);
      const books = { method: 'GET', path: '/api/v1/books' };
      const problem = expectProblem(await api.v2(books), 403);
      expect(problem.detail).toMatch(/CloudFront/);
      expectProblem(await api.v2({ ...books, headers: { 'x-origin-verify': 'a guess', 'cloudfront-viewer-address': '198.51.100.7:1' } }), 403);
      expectProblem(await api.v1({ ...books, headers: { 'X-Origin-Verify': SECRET.slice(1) } }), 403);
      expect(api.stores).toHaveLength(0);
      expect((await api.v2(viaCloudFront(books, '198.51.100.7:1'))).status).toBe(200);
      expect((await api.v1({ ...books, headers: { 'X-Origin-Verify': SECRET } })).status).toBe(200);
    });

    it('logs the viewer address and never the secret', async () => {
      const lines: string[] = [];
      const stream = new Writable({
        write(chunk, _encoding, done) {
          lines.push(...String(chunk).split('\n').filter((l) => l !== ''));
          done();
        },
      });
      const api = lambdaApi({}, { originSecret: SECRET, logger: { level: 'info', stream } });
      apis.push(api);
      await api.v2(viaCloudFront({ method: 'GET', path: '/api/v1/books' }, '2001:db8::42:61000'));
      const incoming = lines.map((l) => JSON.parse(l) as { msg: string; req?: { remoteAddress?: string } }).filter((e) => e.msg === 'incoming request');
      expect(incoming.map((e) => e.req?.remoteAddress)).toEqual(['2001:db8::42']);
      expect(lines.join('\n')).not.toContain(SECRET);
    });
  });

  it('logs each request with the client address and without passwords or tokens', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(...String(chunk).split('\n').filter((l) => l !== ''));
        done();
      },
    });
    const api = lambdaApi({}, { logger: { level: 'info', stream } });
    apis.push(api);
    const reader = await signUpAndIn(api);
    await api.v2({ method: 'GET', path: '/api/v1/me', headers: { authorization: `Bearer ${reader.token}` }, sourceIp: '198.51.100.20' });

    const entries = lines.map((l) => JSON.parse(l) as { msg: string; req?: { url: string; remoteAddress?: string } });
    const incoming = entries.filter((e) => e.msg === 'incoming request');
    expect(incoming.map((e) => e.req?.url)).toEqual(['/api/v1/auth/signup', '/api/v1/auth/login', '/api/v1/me']);
    expect(incoming.at(-1)?.req?.remoteAddress).toBe('198.51.100.20');
    const all = lines.join('\n');
    expect(all).not.toContain(PASSWORD);
    expect(all).not.toContain(reader.token);
  });
});

describe('metrics of the HTTP function', () => {
  const apis: LambdaApi[] = [];
  afterEach(async () => {
    await Promise.all(apis.splice(0).map((a) => a.close()));
  });

  /** The service-level document among those an invocation wrote (projection documents have their own dimension). */
  const serviceDocument = (docs: EmfDocument[]) => {
    const found = docs.filter((d) => d.projection === undefined);
    expect(found).toHaveLength(1);
    expect(found[0]!._aws.CloudWatchMetrics[0]).toMatchObject({ Namespace: 'Bookstore', Dimensions: [['service']] });
    expect(found[0]!.service).toBe('bookstore');
    return found[0]!;
  };

  it('writes what each invocation counted as EMF lines on stdout when it ends, and nothing when it counted nothing', async () => {
    const api = lambdaApi({ BOOKSTORE_LOGIN_RATE_LIMIT: '2' }, { metrics: new CloudWatchEmfMetrics() });
    apis.push(api);
    const stdout = captureStdout();
    try {
      const admin = await signUpAndIn(api, 'Admin');
      await api.stores[0]!.users.setRole(admin.id, 'admin');
      const adminToken = (await api.v2({ method: 'POST', path: '/api/v1/auth/login', ...json({ email: admin.email, password: PASSWORD }) })).body.accessToken;
      const buyer = await signUpAndIn(api, 'Buyer');
      const book = await api.v2({
        method: 'POST',
        path: '/api/v1/books',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
        body: JSON.stringify({ isbn: nextIsbn(), title: 'Emitted Metrics', authors: ['A. Author'], category: 'Fiction', description: '', price: 999, currency: 'USD', coverUrl: null, rating: 4, year: 2020 }),
      });
      expect(book.status, JSON.stringify(book.body)).toBe(201);
      const cart = await api.v2({ method: 'PUT', path: `/api/v1/cart/items/${book.body.id}`, headers: { 'content-type': 'application/json', authorization: `Bearer ${buyer.token}` }, body: '{"quantity":1}' });
      expect(cart.status).toBe(200);
      expect(stdout.take()).toEqual([]);

      const order = await api.v2({ method: 'POST', path: '/api/v1/orders', headers: { authorization: `Bearer ${buyer.token}`, 'idempotency-key': 'lambda-emf-0001' } });
      expect(order.status, JSON.stringify(order.body)).toBe(201);
      const placed = serviceDocument(emfDocuments(stdout.take()));
      expect(placed._aws.CloudWatchMetrics[0]!.Metrics).toEqual([{ Name: 'OrdersPlaced', Unit: 'Count' }]);
      expect(placed.OrdersPlaced).toBe(1);

      const guess = { method: 'POST', path: '/api/v1/auth/login', ...json({ email: `guesser.${process.pid}@example.com`, password: 'wrong password' }) };
      expect((await api.v2(guess)).status).toBe(401);
      expect(serviceDocument(emfDocuments(stdout.take()))).toMatchObject({ SignInFailures: 1 });
      expect((await api.v2(guess)).status).toBe(401);
      stdout.take();
      expectProblem(await api.v2(guess), 429);
      const limited = serviceDocument(emfDocuments(stdout.take()));
      expect(limited._aws.CloudWatchMetrics[0]!.Metrics).toEqual([{ Name: 'SignInRateLimited', Unit: 'Count' }]);
      expect(limited.SignInRateLimited).toBe(1);

      await api.stores[0]!.projections.catchUp(); // by hand, as above; its deliveries go out with the next invocation
      expect((await api.v2({ method: 'GET', path: '/api/v1/search', query: [['q', 'emitted']] })).status).toBe(200);
      const searched = emfDocuments(stdout.take());
      const latency = serviceDocument(searched);
      expect(latency._aws.CloudWatchMetrics[0]!.Metrics).toEqual([{ Name: 'SearchLatency', Unit: 'Milliseconds' }]);
      expect(typeof latency.SearchLatency).toBe('number');
      expect(searched.filter((d) => d.projection !== undefined).map((d) => d.projection).sort()).toEqual(['bestsellers', 'graph', 'search']);
    } finally {
      stdout.restore();
    }
  });

  it('publishes at the end of an invocation that failed too', async () => {
    const metrics = unpublished();
    const handler = createHttpHandler(() => Promise.reject(new Error('the store is not reachable yet')), { metrics });
    await expect(handler(httpApiEvent({ method: 'GET', path: '/healthz' }), lambdaContext())).rejects.toThrow('not reachable yet');
    expect(metrics.publish).toHaveBeenCalledTimes(1);
    await handler.close();
  });
});

describe('the deployed handler export', () => {
  it('opens the store the environment describes', async () => {
    const dir = tempDir('bookstore-lambda-env-');
    const previous = process.env.BOOKSTORE_DATA_DIR;
    process.env.BOOKSTORE_DATA_DIR = dir.path;
    const { handler } = await import('../../src/lambda/http-handler.js');
    try {
      const res = await handler(httpApiEvent({ method: 'GET', path: '/api/v1/books' }), lambdaContext());
      expect(res.statusCode).toBe(200);
      expect(JSON.parse(res.body)).toEqual({ items: [], nextCursor: null });
      expect(existsSync(join(dir.path, 'store.db'))).toBe(true);
    } finally {
      await handler.close();
      if (previous === undefined) delete process.env.BOOKSTORE_DATA_DIR;
      else process.env.BOOKSTORE_DATA_DIR = previous;
      dir.remove();
    }
  });
});
