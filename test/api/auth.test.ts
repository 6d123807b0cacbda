import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeProtectedHeader, importJWK, jwtVerify } from 'jose';
import { expectProblem, PASSWORD, problemFields, startApi, type ApiHarness } from './harness.js';

describe('accounts and tokens', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => {
    await api.close();
  });

  it('signs up a customer and never returns credentials', async () => {
    const res = await api.request('POST', '/api/v1/auth/signup', { body: { email: '  Ada@Example.com ', password: PASSWORD, name: ' Ada  Lovelace ' } });
    expect(res.status).toBe(201);
    expect(Object.keys(res.body.user).sort()).toEqual(['createdAt', 'email', 'id', 'name', 'role']);
    expect(res.body.user).toMatchObject({ email: 'ada@example.com', name: 'Ada Lovelace', role: 'customer' });
  });

  it('refuses a second account with the same email, whatever its case', async () => {
    await api.request('POST', '/api/v1/auth/signup', { body: { email: 'grace@example.com', password: PASSWORD, name: 'Grace' } });
    const res = await api.request('POST', '/api/v1/auth/signup', { body: { email: 'GRACE@example.com', password: PASSWORD, name: 'Grace 2' } });
    expect(expectProblem(res, 409).code).toBe('email-taken');
  });

  it('names the bad field of a sign-up', async () => {
    const shortPassword = await api.request('POST', '/api/v1/auth/signup', { body: { email: 'x@example.com', password: 'short', name: 'X' } });
    expectProblem(shortPassword, 400);
    expect(problemFields(shortPassword)).toEqual(['password']);

    const badEmail = await api.request('POST', '/api/v1/auth/signup', { body: { email: 'not-an-email', password: PASSWORD, name: 'X' } });
    expectProblem(badEmail, 400);
    expect(problemFields(badEmail)).toEqual(['email']);

    const missingName = await api.request('POST', '/api/v1/auth/signup', { body: { email: 'y@example.com', password: PASSWORD } });
    expect(problemFields(missingName)).toEqual(['name']);

    const roleSmuggled = await api.request('POST', '/api/v1/auth/signup', { body: { email: 'z@example.com', password: PASSWORD, name: 'Z', role: 'admin' } });
    expectProblem(roleSmuggled, 400);
    expect(problemFields(roleSmuggled)).toEqual(['role']);
  });

  it('logs in with a token the published key set verifies, naming the user and expiring when it says', async () => {
    const account = await api.customer('Token Holder');
    const res = await api.request('POST', '/api/v1/auth/login', { body: { email: account.email.toUpperCase(), password: PASSWORD } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ tokenType: 'Bearer', user: { id: account.id, role: 'customer' } });

    const jwks = await api.request('GET', '/.well-known/jwks.json');
    expect(jwks.status).toBe(200);
    for (const key of jwks.body.keys) expect(key.d).toBeUndefined();
    // Local tokens are ES256 with our claims; Cognito's ID tokens are RS256 with the id in a custom claim.
    const header = decodeProtectedHeader(res.body.accessToken);
    const jwk = jwks.body.keys.find((k: { kid: string }) => k.kid === header.kid);
    expect(jwk).toBeDefined();
    const { payload } = await jwtVerify(res.body.accessToken, await importJWK(jwk, header.alg));
    expect(payload.email).toBe(account.email);
    expect(Object.values(payload)).toContain(account.id);
    expect(res.body.expiresIn).toBe(payload.exp! - payload.iat!);
  });

  it('answers a wrong password and an unknown email alike', async () => {
    const account = await api.customer();
    const wrong = await api.request('POST', '/api/v1/auth/login', { body: { email: account.email, password: 'wrong password!' } });
    const unknown = await api.request('POST', '/api/v1/auth/login', { body: { email: 'nobody@example.com', password: PASSWORD } });
    expectProblem(wrong, 401);
    expectProblem(unknown, 401);
    expect(wrong.body.detail).toBe(unknown.body.detail);
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('shows the signed-in account at /me and refuses missing or forged tokens', async () => {
    const account = await api.customer('Me Myself');
    const me = await api.request('GET', '/api/v1/me', { token: account.token });
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ id: account.id, email: account.email, name: 'Me Myself' });
    expect(me.headers.get('cache-control')).toContain('no-store');

    const anonymous = await api.request('GET', '/api/v1/me');
    expectProblem(anonymous, 401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);

    const [header, payload] = account.token.split('.');
    const forgedPayload = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), role: 'admin' })).toString('base64url');
    const forged = `${header}.${forgedPayload}.${account.token.split('.')[2]}`;
    expectProblem(await api.request('GET', '/api/v1/me', { token: forged }), 401);
    expectProblem(await api.request('GET', '/api/v1/me', { headers: { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` } }), 401);
  });

  it('applies a promotion to admin from the next login', async () => {
    const account = await api.customer();
    await api.store.users.setRole(account.id, 'admin');
    const before = await api.request('GET', '/api/v1/admin/projections', { token: account.token });
    expectProblem(before, 403);
    const token = await api.login(account.email, PASSWORD);
    const after = await api.request('GET', '/api/v1/admin/projections', { token });
    expect(after.status).toBe(200);
  });
});

describe('login rate limit', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi({ env: { BOOKSTORE_LOGIN_RATE_LIMIT: '3' } });
  });
  afterAll(async () => {
    await api.close();
  });

  it('answers 429 problem+json with Retry-After once an address has tried one email too often', async () => {
    const account = await api.customer(); // its sign-in is the first of 3 attempts
    const statuses: number[] = [];
    for (let i = 0; i < 2; i++) {
      statuses.push((await api.request('POST', '/api/v1/auth/login', { body: { email: account.email, password: 'wrong password!' } })).status);
    }
    expect(statuses).toEqual([401, 401]);
    const limited = await api.request('POST', '/api/v1/auth/login', { body: { email: account.email.toUpperCase(), password: PASSWORD } });
    expectProblem(limited, 429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);

    // Another email from the same address has its own budget.
    const other = await api.customer();
    expect(other.token).toBeTruthy();
  });
});

describe('logging', () => {
  it('never writes passwords or tokens to the log, and tags lines with the request id', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    const api = await startApi({ logger: { level: 'trace', stream } });
    try {
      const secretPassword = 'very-secret-password-1234';
      const email = 'logged@example.com';
      const signUp = await api.request('POST', '/api/v1/auth/signup', { body: { email, password: secretPassword, name: 'Logged' } });
      expect(signUp.status).toBe(201);
      const token = await api.login(email, secretPassword);
      const me = await api.request('GET', '/api/v1/me', { token, headers: { 'x-request-id': 'trace-me-123' } });
      expect(me.headers.get('x-request-id')).toBe('trace-me-123');
      // A failure that logs the error object must not leak either.
      await api.request('POST', '/api/v1/auth/login', { body: { email, password: `${secretPassword}-wrong` } });

      const log = lines.join('\n');
      expect(lines.length).toBeGreaterThan(4);
      expect(log).not.toContain(secretPassword);
      expect(log).not.toContain(token);
      expect(log).not.toContain(token.split('.')[2]!);
      expect(log).toContain('trace-me-123');
      const requestLines = lines.map((l) => JSON.parse(l)).filter((l) => l.req || l.res);
      expect(requestLines.length).toBeGreaterThan(0);
      for (const line of requestLines) expect(line.reqId).toEqual(expect.any(String));
    } finally {
      await api.close();
    }
  });

  it('replaces an unusable X-Request-Id with a generated one', async () => {
    const api = await startApi();
    try {
      const res = await api.request('GET', '/healthz', { headers: { 'x-request-id': 'bad id with spaces' } });
      expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      await api.close();
    }
  });
});
