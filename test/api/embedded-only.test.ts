import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeProtectedHeader, importJWK, jwtVerify, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, PASSWORD, startApi, type Account, type ApiHarness } from './harness.js';

/**
 * What only the embedded profile has: tokens signed with a key in the data directory (so a test can
 * sign its own), and a system of record in one file that can be closed under the server. The engines
 * profile's identity is Cognito (its own suite covers its tokens) and its outages are in faults.test.ts.
 */
describe('local tokens', () => {
  let api: ApiHarness;
  let customer: Account;
  beforeAll(async () => {
    api = await startApi();
    customer = await api.customer();
  });
  afterAll(async () => {
    await api.close();
  });

  it('logs in with an ES256 token carrying the user id, email and role, for the configured lifetime', async () => {
    const res = await api.request('POST', '/api/v1/auth/login', { body: { email: customer.email, password: PASSWORD } });
    expect(res.body).toMatchObject({ tokenType: 'Bearer', expiresIn: api.store.config.tokenTtlSeconds, user: { id: customer.id, role: 'customer' } });
    const [jwk] = (await api.request('GET', '/.well-known/jwks.json')).body.keys;
    expect(decodeProtectedHeader(res.body.accessToken)).toMatchObject({ alg: 'ES256', kid: jwk.kid });
    const { payload } = await jwtVerify(res.body.accessToken, await importJWK(jwk, 'ES256'), { issuer: 'bookstore', audience: 'bookstore-api' });
    expect(payload).toMatchObject({ sub: customer.id, email: customer.email, role: 'customer' });
  });

  it('refuses an expired token signed with the real key', async () => {
    const jwk = JSON.parse(readFileSync(join(api.store.config.dataDir, 'jwt-signing-key.json'), 'utf8'));
    const key = await importJWK(jwk, 'ES256');
    const now = Math.floor(Date.now() / 1000);
    const expired = await new SignJWT({ email: customer.email, role: 'customer' })
      .setProtectedHeader({ alg: 'ES256', kid: jwk.kid })
      .setIssuer('bookstore')
      .setAudience('bookstore-api')
      .setSubject(customer.id)
      .setIssuedAt(now - 7200)
      .setExpirationTime(now - 3600)
      .sign(key);
    expectProblem(await api.request('GET', '/api/v1/me', { token: expired }), 401);
    const wrongAudience = await new SignJWT({ email: customer.email, role: 'admin' })
      .setProtectedHeader({ alg: 'ES256', kid: jwk.kid })
      .setIssuer('bookstore')
      .setAudience('someone-else')
      .setSubject(customer.id)
      .setExpirationTime('1h')
      .sign(key);
    expectProblem(await api.request('GET', '/api/v1/admin/projections', { token: wrongAudience }), 401);
  });
});

describe('when the SQLite system of record is gone', () => {
  it('answers a generic 500 that names no internals, with the request id', async () => {
    const api = await startApi();
    try {
      await api.closeStore();
      const books = await api.request('GET', '/api/v1/books');
      const problem = expectProblem(books, 500);
      expect(problem.detail).toBe('an unexpected error occurred; quote the request id when reporting it');
      expect(JSON.stringify(books.body)).not.toMatch(/database|sqlite/i);
      expect(books.body.requestId).toBe(books.headers.get('x-request-id'));
    } finally {
      await api.close();
    }
  });
});
