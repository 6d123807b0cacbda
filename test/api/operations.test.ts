import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, problemFields, startApi, type Account, type ApiHarness } from './harness.js';

type Access = 'public' | 'optional' | 'customer' | 'admin';

/** Every route of the API with who may call it; the OpenAPI test checks this list is complete. */
const ROUTES: Array<[method: string, path: string, access: Access]> = [
  ['GET', '/healthz', 'public'],
  ['GET', '/readyz', 'public'],
  ['GET', '/metrics', 'public'],
  ['GET', '/robots.txt', 'public'],
  ['GET', '/sitemap.xml', 'public'],
  ['GET', '/.well-known/jwks.json', 'public'],
  ['POST', '/api/v1/auth/signup', 'public'],
  ['POST', '/api/v1/auth/login', 'public'],
  ['GET', '/api/v1/me', 'customer'],
  ['DELETE', '/api/v1/me', 'customer'],
  ['GET', '/api/v1/books', 'public'],
  ['POST', '/api/v1/books', 'admin'],
  ['GET', '/api/v1/books/:id', 'public'],
  ['PATCH', '/api/v1/books/:id', 'admin'],
  ['DELETE', '/api/v1/books/:id', 'admin'],
  ['GET', '/api/v1/categories', 'public'],
  ['GET', '/api/v1/search', 'public'],
  ['GET', '/api/v1/search/suggest', 'public'],
  ['GET', '/api/v1/cart', 'customer'],
  ['PUT', '/api/v1/cart/items/:bookId', 'customer'],
  ['DELETE', '/api/v1/cart/items/:bookId', 'customer'],
  ['POST', '/api/v1/cart/merge', 'customer'],
  // Public, but each needs the Guest-Cart header the POST issues (test/api/guest-cart.test.ts).
  ['POST', '/api/v1/guest-cart', 'public'],
  ['GET', '/api/v1/guest-cart', 'public'],
  ['PUT', '/api/v1/guest-cart/items/:bookId', 'public'],
  ['DELETE', '/api/v1/guest-cart/items/:bookId', 'public'],
  ['POST', '/api/v1/orders', 'customer'],
  ['GET', '/api/v1/orders', 'customer'],
  ['GET', '/api/v1/orders/:id', 'customer'],
  ['POST', '/api/v1/orders/:id/cancel', 'customer'],
  ['GET', '/api/v1/admin/orders', 'admin'],
  ['POST', '/api/v1/admin/orders/:id/status', 'admin'],
  ['GET', '/api/v1/bestsellers', 'public'],
  ['GET', '/api/v1/recommendations', 'customer'],
  ['GET', '/api/v1/books/:id/recommendations', 'optional'],
  ['PUT', '/api/v1/books/:id/review', 'customer'],
  ['GET', '/api/v1/books/:id/review', 'customer'],
  ['DELETE', '/api/v1/books/:id/review', 'customer'],
  ['GET', '/api/v1/books/:id/reviews', 'public'],
  ['POST', '/api/v1/admin/reviews/:reviewId/hide', 'admin'],
  ['GET', '/api/v1/friends', 'customer'],
  ['PUT', '/api/v1/friends/:userId', 'customer'],
  ['DELETE', '/api/v1/friends/:userId', 'customer'],
  ['GET', '/api/v1/users', 'customer'],
  ['GET', '/api/v1/admin/projections', 'admin'],
  ['POST', '/api/v1/admin/projections/:name/rebuild', 'admin'],
  ['GET', '/api/v1/admin/audit', 'admin'],
  ['POST', '/api/v1/admin/audit', 'admin'],
];

const concrete = (path: string) => path.replace(':name', 'search').replace(/:\w+/g, '00000000000000000000000000');

describe('operations', () => {
  let api: ApiHarness;
  let admin: Account;
  let customer: Account;

  beforeAll(async () => {
    api = await startApi();
    admin = await api.admin();
    customer = await api.customer();
  });
  afterAll(async () => {
    await api.close();
  });

  it('answers liveness and readiness', async () => {
    const health = await api.request('GET', '/healthz');
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok' });
    const ready = await api.request('GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ok' });
  });

  it('checks authorization on the server for every protected route, before reading the body', async () => {
    for (const [method, path, access] of ROUTES) {
      if (access === 'public' || access === 'optional') continue;
      const url = concrete(path);
      const anonymous = await api.request(method, url, { body: method === 'GET' || method === 'DELETE' ? undefined : { not: 'valid' } });
      expectProblem(anonymous, 401);
      expect(anonymous.headers.get('www-authenticate'), `${method} ${path}`).toMatch(/^Bearer/);
      expectProblem(await api.request(method, url, { token: 'garbage.token.value' }), 401);
      if (access === 'admin') expectProblem(await api.request(method, url, { token: customer.token }), 403);
    }
  });

  it('documents every route in OpenAPI 3, with bearer security on protected ones', async () => {
    const res = await api.request('GET', '/api/v1/openapi.json');
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const [method, path, access] of ROUTES) {
      expect(api.app.hasRoute({ method: method as 'GET', url: path }), `${method} ${path} is served`).toBe(true);
      const operation = doc.paths[path.replace(/:(\w+)/g, '{$1}')]?.[method.toLowerCase()];
      expect(operation, `${method} ${path} is documented`).toBeDefined();
      // Merging a guest cart needs its token too.
      if (access === 'customer' || access === 'admin') expect(operation.security).toEqual([{ bearerAuth: [], ...(path === '/api/v1/cart/merge' ? { guestCart: [] } : {}) }]);
    }
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops as object).map((m) => `${m.toUpperCase()} ${path}`));
    expect(documented.sort()).toEqual(ROUTES.map(([m, p]) => `${m} ${p.replace(/:(\w+)/g, '{$1}')}`).sort());
  });

  it('serves interactive docs with their own assets and a looser CSP than the API', async () => {
    const page = await api.request('GET', '/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const bundle = await fetch(`${api.baseUrl}/docs/static/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
    await bundle.arrayBuffer();

    const apiAnswer = await api.request('GET', '/api/v1/categories');
    expect(apiAnswer.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(apiAnswer.headers.get('x-content-type-options')).toBe('nosniff');
    expect(apiAnswer.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('exposes request durations by route pattern and projection lag in Prometheus format', async () => {
    const book = await api.createBook(admin);
    await api.request('GET', `/api/v1/books/${book.id}`);
    await api.request('GET', '/api/v1/nowhere');
    const res = await api.request('GET', '/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = res.body as string;
    expect(text).toMatch(/http_request_duration_seconds_bucket\{[^}]*route="\/api\/v1\/books\/:id"/);
    expect(text).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/books\/:id",status_code="200"\} 1/);
    expect(text).not.toContain(book.id);
    expect(text).toContain('route="(unmatched)"');
    for (const projection of ['search', 'bestsellers', 'graph']) {
      expect(text).toMatch(new RegExp(`bookstore_projection_lag_events\\{projection="${projection}"\\} \\d+`));
      expect(text).toMatch(new RegExp(`bookstore_projection_lag_seconds\\{projection="${projection}"\\} [\\d.e-]+`));
    }
  });

  it('shows projection status to admins and rebuilds one in the background', async () => {
    await api.createBook(admin, { title: 'Rebuilt Into The Index' });
    await api.store.projections.catchUp();
    const status = await api.request('GET', '/api/v1/admin/projections', { token: admin.token });
    expect(status.status).toBe(200);
    // The engines profile also feeds its book cache from the change feed.
    const names = ['bestsellers', 'graph', 'search', ...(api.store.bookCache ? ['book-cache'] : [])];
    expect(status.body.projections.map((p: { name: string }) => p.name).sort()).toEqual(names.sort());
    for (const p of status.body.projections) expect(p).toMatchObject({ lagEvents: 0, lastError: null, rebuilding: false, state: 'caught-up' });
    const metrics = (await api.request('GET', '/metrics')).body as string;
    for (const p of status.body.projections) {
      expect(metrics).toContain(`bookstore_projection_state{projection="${p.name}",state="caught-up"} 1`);
      expect(metrics).toContain(`bookstore_projection_state{projection="${p.name}",state="failing"} 0`);
    }

    const started = await api.request('POST', '/api/v1/admin/projections/search/rebuild', { token: admin.token });
    expect(started.status).toBe(202);
    expect(started.body).toEqual({ projection: 'search', status: 'rebuilding' });
    let search: { rebuilding: boolean; lastError: string | null; generation: number } | undefined;
    for (let i = 0; i < 200; i++) {
      const now = await api.request('GET', '/api/v1/admin/projections', { token: admin.token });
      search = now.body.projections.find((p: { name: string }) => p.name === 'search');
      if (!search!.rebuilding) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(search).toMatchObject({ rebuilding: false, lastError: null });
    const before = status.body.projections.find((p: { name: string }) => p.name === 'search');
    expect(search!.generation).toBeGreaterThan(before.generation);
    const found = await api.request('GET', `/api/v1/search?q=${encodeURIComponent('rebuilt index')}`);
    expect(found.body.hits.map((h: { book: { title: string } }) => h.book.title)).toContain('Rebuilt Into The Index');

    const unknown = await api.request('POST', '/api/v1/admin/projections/nonsense/rebuild', { token: admin.token });
    expectProblem(unknown, 404);
  });

  it('answers 414 to an over-long URL, 405 with Allow to a known path asked wrongly, 404 problem to unknown routes', async () => {
    expectProblem(await api.request('GET', `/api/v1/books?category=${'x'.repeat(5000)}`), 414);
    const wrongMethod = await api.request('DELETE', '/api/v1/categories');
    expectProblem(wrongMethod, 405);
    expect(wrongMethod.headers.get('allow')).toBe('GET, HEAD');
    const missing = await api.request('DELETE', '/api/v1/no-such-thing');
    expectProblem(missing, 404);
    expect(missing.headers.get('x-request-id')).toBeTruthy();
  });

  it('names a path parameter that is too long', async () => {
    const res = await api.request('GET', `/api/v1/books/${'a'.repeat(100)}`);
    expectProblem(res, 400);
    expect(problemFields(res)).toEqual(['id']);
  });
});

describe('when stores fail', () => {
  it('answers 503 with Retry-After for a derived store that is gone, naming it', async () => {
    const api = await startApi();
    try {
      await api.closeStore();
      const search = await api.request('GET', '/api/v1/search?q=anything');
      expect(expectProblem(search, 503).detail).toContain('search');
      expect(Number(search.headers.get('retry-after'))).toBeGreaterThan(0);
      expectProblem(await api.request('GET', '/api/v1/bestsellers'), 503);
      expectProblem(await api.request('GET', '/readyz'), 503);
    } finally {
      await api.close();
    }
  });
});
