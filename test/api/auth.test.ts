import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
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

/** A request from another loopback address (Linux routes all of 127.0.0.0/8 to lo), so the server sees another client. */
function requestFrom(api: ApiHarness, address: string, path: string, body: unknown): Promise<{ status: number; headers: IncomingHttpHeaders; body: any }> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${api.baseUrl}${path}`,
      { method: 'POST', localAddress: address, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text === '' ? null : JSON.parse(text) });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

describe('sign-in and sign-up attempt limits', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi({ env: { BOOKSTORE_LOGIN_RATE_LIMIT: '3', BOOKSTORE_LOGIN_ADDRESS_RATE_LIMIT: '5', BOOKSTORE_SIGNUP_RATE_LIMIT: '3' } });
  });
  afterAll(async () => {
    await api.close();
  });

  const signIn = (address: string, email: string, password: string) => requestFrom(api, address, '/api/v1/auth/login', { email, password });
  const expectLimited = (res: { status: number; headers: IncomingHttpHeaders; body: any }) => {
    expect(res.status).toBe(429);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 429, type: 'urn:bookstore:problem:too-many-requests' });
    const retryAfter = Number(res.headers['retry-after']);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
  };

  it('limits one address trying 30 different emails, whichever emails they are', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) {
      const res = await signIn('127.0.0.3', `sprayed${i}.${process.pid}@example.com`, 'a guessed password');
      statuses.push(res.status);
      if (res.status === 429) expectLimited(res);
    }
    expect(statuses).toEqual([...Array<number>(5).fill(401), ...Array<number>(25).fill(429)]);
  });

  it('gives a second address no fresh tries at an account already guessed at, not even with its password', async () => {
    const victim = await api.customer();
    for (let i = 0; i < 3; i++) expect((await signIn('127.0.0.4', victim.email, 'wrong password!')).status).toBe(401);
    expectLimited(await signIn('127.0.0.5', victim.email, PASSWORD));
    expectLimited(await signIn('127.0.0.6', victim.email.toUpperCase(), 'wrong password!'));
    // The address that was never refused may still sign in to other accounts.
    const other = await api.customer();
    expect((await signIn('127.0.0.5', other.email, PASSWORD)).status).toBe(200);
  });

  it("starts an account's count again when its owner signs in", async () => {
    const owner = await api.customer();
    expect((await signIn('127.0.0.9', owner.email, 'mistyped password')).status).toBe(401);
    expect((await signIn('127.0.0.9', owner.email, 'mistyped again!!')).status).toBe(401);
    expect((await signIn('127.0.0.10', owner.email, PASSWORD)).status).toBe(200);
    // The success reset the account's window: three more tries before the limit, not one.
    for (let i = 0; i < 3; i++) expect((await signIn('127.0.0.11', owner.email, 'mistyped password')).status).toBe(401);
    expectLimited(await signIn('127.0.0.11', owner.email, 'mistyped password'));
  });

  it('limits sign-ups per address and per email, before hashing or storing anything', async () => {
    const signUp = (address: string, email: string) => requestFrom(api, address, '/api/v1/auth/signup', { email, password: PASSWORD, name: 'Limited' });
    const fromOne: number[] = [];
    for (let i = 0; i < 3; i++) fromOne.push((await signUp('127.0.0.7', `signup${i}.${process.pid}@example.com`)).status);
    expect(fromOne).toEqual([201, 201, 201]);
    const refused = await signUp('127.0.0.7', `signup3.${process.pid}@example.com`);
    expectLimited(refused);
    expect(await api.store.users.findByEmail(`signup3.${process.pid}@example.com`)).toBeNull();

    // One email tried from many addresses meets its own limit.
    const email = `contested.${process.pid}@example.com`;
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await signUp(`127.0.1.${i + 1}`, email)).status);
    expect(statuses).toEqual([201, 409, 409, 429]);
  });

  it('documents the 429 with Retry-After on both operations', async () => {
    const doc = (await api.request('GET', '/api/v1/openapi.json')).body;
    for (const path of ['/api/v1/auth/login', '/api/v1/auth/signup']) {
      const limited = doc.paths[path].post.responses['429'];
      expect(limited.content['application/problem+json']).toBeDefined();
      expect(limited.headers['retry-after'].description).toMatch(/Always sent/);
    }
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
