import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, startApi, type Account, type ApiHarness } from './harness.js';

/** The value of one sample in Prometheus' text format, or null when the series is missing. */
function sample(text: string, series: string): number | null {
  for (const line of text.split('\n')) {
    if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1));
  }
  return null;
}

describe('business and health metrics at /metrics', () => {
  let api: ApiHarness;
  let admin: Account;

  beforeAll(async () => {
    api = await startApi({ env: { BOOKSTORE_LOGIN_RATE_LIMIT: '2' } });
    admin = await api.admin();
  });
  afterAll(async () => {
    await api.close();
  });

  const scrape = async () => {
    const res = await api.request('GET', '/metrics');
    expect(res.status).toBe(200);
    return res.body as string;
  };

  it('starts every business counter at zero', async () => {
    const text = await scrape();
    for (const counter of ['orders_placed', 'checkout_conflicts', 'sign_in_failures', 'sign_in_rate_limited']) {
      expect(sample(text, `bookstore_${counter}_total`), counter).toBe(0);
    }
    expect(sample(text, 'bookstore_search_duration_seconds_count')).toBe(0);
  });

  it('counts a placed order once, not its replay, and a refused checkout as a conflict', async () => {
    const buyer = await api.customer();
    const book = await api.createBook(admin, { title: 'Counted Book', price: 1500 });
    expect((await api.request('PUT', `/api/v1/cart/items/${book.id}`, { token: buyer.token, body: { quantity: 2 } })).status).toBe(200);
    const order = { token: buyer.token, headers: { 'idempotency-key': 'metrics-order-0001' } };
    expect((await api.request('POST', '/api/v1/orders', order)).status).toBe(201);
    expect((await api.request('POST', '/api/v1/orders', order)).status).toBe(200);
    const empty = await api.request('POST', '/api/v1/orders', { token: buyer.token, headers: { 'idempotency-key': 'metrics-order-0002' } });
    expect(expectProblem(empty, 409).code).toBe('cart-empty');

    const text = await scrape();
    expect(sample(text, 'bookstore_orders_placed_total')).toBe(1);
    expect(sample(text, 'bookstore_checkout_conflicts_total')).toBe(1);
  });

  it('counts refused sign-ins, then the attempts the rate limit turns away', async () => {
    const before = await scrape();
    // An email nobody signed in with yet: the limit counts attempts per account.
    const attempt = { body: { email: `guesser.${process.pid}@example.com`, password: 'not the password' } };
    expect((await api.request('POST', '/api/v1/auth/login', attempt)).status).toBe(401);
    expect((await api.request('POST', '/api/v1/auth/login', attempt)).status).toBe(401);
    expectProblem(await api.request('POST', '/api/v1/auth/login', attempt), 429);
    expectProblem(await api.request('POST', '/api/v1/auth/login', attempt), 429);

    const text = await scrape();
    expect(sample(text, 'bookstore_sign_in_failures_total')! - sample(before, 'bookstore_sign_in_failures_total')!).toBe(2);
    expect(sample(text, 'bookstore_sign_in_rate_limited_total')! - sample(before, 'bookstore_sign_in_rate_limited_total')!).toBe(2);
  });

  it('times searches and the delivery of each change to each projection', async () => {
    await api.createBook(admin, { title: 'Metered Search Target' });
    await api.store.projections.catchUp();
    const changes = (await api.changes()).length;
    expect((await api.request('GET', '/api/v1/search?q=metered')).status).toBe(200);
    expect((await api.request('GET', '/api/v1/search?q=target')).status).toBe(200);

    const text = await scrape();
    expect(sample(text, 'bookstore_search_duration_seconds_count')).toBe(2);
    expect(sample(text, 'bookstore_search_duration_seconds_sum')).toBeGreaterThan(0);
    expect(text).toContain('# TYPE bookstore_search_duration_seconds histogram');
    for (const projection of ['search', 'bestsellers', 'graph']) {
      // Every change committed so far reached every projection once, each with its delay.
      expect(sample(text, `bookstore_projection_delivery_delay_seconds_count{projection="${projection}"}`), projection).toBe(changes);
      expect(text).toMatch(new RegExp(`bookstore_projection_delivery_delay_seconds_bucket\\{le="\\+Inf",projection="${projection}"\\} ${changes}`));
    }
    expect(text).toContain('# TYPE bookstore_projection_errors_total counter');
  });
});
