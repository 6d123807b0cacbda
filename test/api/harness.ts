import { expect } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { PrometheusMetrics } from '../../src/adapters/prometheus/prometheus-metrics.js';
import { loadConfig } from '../../src/config.js';
import { openStore, type Store } from '../../src/composition.js';
import { prometheusMetricsRoute } from '../../src/http/metrics.js';
import { buildServer, type ServerOptions } from '../../src/http/server.js';
import { completeIsbn13 } from '../../src/domain/isbn.js';
import type { Change } from '../../src/domain/change-event.js';
import { freshEnginesEnv, removeEngineResources, streamedChanges, testProfile } from '../support/engine-resources.js';
import { tempDir } from '../support/temp-dir.js';

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  /** Parsed JSON when the answer is JSON, the text otherwise, null when empty. */
  body: T;
}

export interface RequestOptions {
  token?: string | undefined;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as is (with Content-Type application/json unless `headers` says otherwise). */
  rawBody?: string;
  headers?: Record<string, string>;
}

export interface Account {
  id: string;
  email: string;
  name: string;
  password: string;
  token: string;
}

export interface ApiHarness {
  baseUrl: string;
  store: Store;
  app: FastifyInstance;
  request<T = any>(method: string, path: string, options?: RequestOptions): Promise<ApiResponse<T>>;
  /** Signs up through the API and logs in; returns the account with its token. */
  customer(name?: string): Promise<Account>;
  /** A customer promoted with `store.users.setRole` (as `bookstore admin create` does), logged in again. */
  admin(): Promise<Account>;
  login(email: string, password: string): Promise<string>;
  /** Adds a book through the admin API and returns its JSON. */
  createBook(admin: Account, fields?: Record<string, unknown>): Promise<any>;
  /** Every change the store committed so far, in commit order, from its change feed (outbox or stream). */
  changes(): Promise<Change[]>;
  /** Closes the store under the running server, to see how the API answers when its stores are gone. */
  closeStore(): Promise<void>;
  close(): Promise<void>;
}

let accountCounter = 0;
let isbnCounter = 0;

/** Puts each book in the customer's cart at its quantity through the API, expecting a 200 for each. */
export async function fillCart(api: ApiHarness, account: Account, items: Array<{ id: string; quantity: number }>): Promise<void> {
  for (const item of items) {
    const res = await api.request('PUT', `/api/v1/cart/items/${item.id}`, { token: account.token, body: { quantity: item.quantity } });
    expect(res.status).toBe(200);
  }
}

export function nextIsbn(): string {
  isbnCounter += 1;
  return completeIsbn13(`978${String(process.pid % 1000).padStart(3, '0')}${String(isbnCounter).padStart(6, '0')}`);
}

export const PASSWORD = 'correct horse battery staple';

/**
 * Starts the real server on 127.0.0.1 and a free port, over a real store of the profile under test:
 * SQLite in a temp directory, or (BOOKSTORE_TEST_PROFILE=engines) the engines under names of its own.
 * Its metrics go to Prometheus at /metrics, as with `serve`.
 */
export async function startApi(options: { env?: Record<string, string>; logger?: object; webRoot?: string | null } = {}): Promise<ApiHarness> {
  const dir = tempDir('bookstore-api-');
  const engineEnv = testProfile === 'engines' ? freshEnginesEnv() : {};
  const config = loadConfig({
    // The engines' ports and endpoints come from the environment, as for `npm run engines`.
    ...(testProfile === 'engines' ? process.env : {}),
    BOOKSTORE_DATA_DIR: dir.path,
    BOOKSTORE_SCRYPT_COST: '16384',
    BOOKSTORE_LOG_LEVEL: 'silent',
    // Every test signs up and in from 127.0.0.1: the per-address limits stay out of the way unless a test sets them.
    BOOKSTORE_LOGIN_ADDRESS_RATE_LIMIT: '100000',
    BOOKSTORE_SIGNUP_RATE_LIMIT: '100000',
    ...engineEnv,
    ...options.env,
  });
  // As `serve` wires it: the store counts into the Prometheus registry that /metrics serves.
  const metrics = new PrometheusMetrics();
  const store = await openStore(config, { metrics });
  // The API alone unless a test asks for the web app: whether dist/web happens to be built must not matter.
  const serverOptions: ServerOptions = {
    webRoot: options.webRoot ?? null,
    metricsRoute: prometheusMetricsRoute(metrics.registry),
    ...(options.logger ? { logger: options.logger } : {}),
  };
  const app = await buildServer(store, serverOptions);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('the server has no TCP address');
  const baseUrl = `http://127.0.0.1:${address.port}`;

  async function request<T = any>(method: string, path: string, opts: RequestOptions = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body: string | undefined;
    if (opts.rawBody !== undefined) body = opts.rawBody;
    else if (opts.body !== undefined) body = JSON.stringify(opts.body);
    if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
    const res = await fetch(baseUrl + path, { method, headers, body });
    const text = await res.text();
    const type = res.headers.get('content-type') ?? '';
    const parsed = text === '' ? null : type.includes('json') ? JSON.parse(text) : text;
    return { status: res.status, headers: res.headers, body: parsed as T };
  }

  async function login(email: string, password: string): Promise<string> {
    const res = await request('POST', '/api/v1/auth/login', { body: { email, password } });
    if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.accessToken as string;
  }

  async function customer(name = 'Customer'): Promise<Account> {
    accountCounter += 1;
    const email = `user${accountCounter}.${process.pid}@example.com`;
    const res = await request('POST', '/api/v1/auth/signup', { body: { email, password: PASSWORD, name } });
    if (res.status !== 201) throw new Error(`sign-up failed: ${res.status} ${JSON.stringify(res.body)}`);
    return { id: res.body.user.id, email, name, password: PASSWORD, token: await login(email, PASSWORD) };
  }

  async function admin(): Promise<Account> {
    const account = await customer('Admin');
    await store.users.setRole(account.id, 'admin');
    return { ...account, token: await login(account.email, account.password) };
  }

  async function createBook(adminAccount: Account, fields: Record<string, unknown> = {}): Promise<any> {
    const res = await request('POST', '/api/v1/books', {
      token: adminAccount.token,
      body: {
        isbn: nextIsbn(),
        title: 'Untitled',
        authors: ['Anonymous'],
        category: 'Fiction',
        description: '',
        price: 1000,
        currency: 'USD',
        coverUrl: null,
        rating: 4,
        year: 2000,
        ...fields,
      },
    });
    if (res.status !== 201) throw new Error(`creating a book failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  let storeOpen = true;
  async function closeStore() {
    if (!storeOpen) return;
    storeOpen = false;
    await store.close();
  }

  async function changes(): Promise<Change[]> {
    if (store.changeFeed) return (await store.changeFeed.read(0, 1_000_000)).map(({ seq: _seq, ...change }) => change as Change);
    return streamedChanges(engineEnv);
  }

  return {
    baseUrl,
    store,
    app,
    request,
    customer,
    admin,
    login,
    createBook,
    changes,
    closeStore,
    async close() {
      await app.close();
      await closeStore();
      dir.remove();
      if (testProfile === 'engines') await removeEngineResources(engineEnv);
    },
  };
}

/** Asserts the common shape of an RFC 9457 answer and returns it. */
export function expectProblem(res: ApiResponse, status: number): { type: string; title: string; status: number; detail: string; instance: string; errors?: Array<{ field: string; detail: string }>; code?: string } {
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
  const type = res.headers.get('content-type') ?? '';
  if (!type.startsWith('application/problem+json')) throw new Error(`expected application/problem+json, got ${type}`);
  const body = res.body;
  if (body.status !== status || typeof body.title !== 'string' || typeof body.detail !== 'string' || typeof body.type !== 'string' || typeof body.instance !== 'string') {
    throw new Error(`not a problem document: ${JSON.stringify(body)}`);
  }
  return body;
}

/** The field names a problem lists. */
export function problemFields(res: ApiResponse): string[] {
  return (res.body?.errors ?? []).map((e: { field: string }) => e.field);
}
