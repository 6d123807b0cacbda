import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalIdentity } from '../../src/adapters/embedded/local-identity.js';
import { hashCost, hashPassword, verifyPassword } from '../../src/adapters/embedded/scrypt-password.js';
import { openSqliteSystemOfRecord, type SqliteSystemOfRecord } from '../../src/adapters/embedded/sqlite-system-of-record.js';
import { AuthenticationError } from '../../src/domain/errors.js';
import { tempDir } from '../support/temp-dir.js';

const COST = 16384;

describe('scrypt passwords', () => {
  it('stores the parameters with the hash and verifies only the right password', async () => {
    const stored = await hashPassword('open sesame 123', COST);
    expect(stored).toMatch(/^scrypt\$16384\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(hashCost(stored)).toBe(COST);
    expect(await verifyPassword('open sesame 123', stored)).toBe(true);
    expect(await verifyPassword('open sesame 124', stored)).toBe(false);
    expect(await hashPassword('open sesame 123', COST)).not.toBe(stored);
  });

  it('rejects malformed hashes instead of throwing', async () => {
    for (const stored of ['', 'bcrypt$x', 'scrypt$3$8$1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5', 'scrypt$16384$8$1$$']) {
      expect(await verifyPassword('anything', stored)).toBe(false);
    }
  });
});

describe('LocalIdentity', () => {
  let dir: ReturnType<typeof tempDir>;
  let sor: SqliteSystemOfRecord;
  const keyFile = () => join(dir.path, 'keys', 'jwt-signing-key.json');
  const open = (scryptCost = COST) => LocalIdentity.open({ users: sor.users, keyFile: keyFile(), scryptCost, tokenTtlSeconds: 600 });

  beforeEach(() => {
    dir = tempDir('bookstore-identity-');
    sor = openSqliteSystemOfRecord(join(dir.path, 'store.db'));
  });
  afterEach(async () => {
    await sor.close();
    dir.remove();
  });

  it('creates an owner-only signing key once and reuses it on the next open', async () => {
    const first = await open();
    expect(statSync(keyFile()).mode & 0o777).toBe(0o600);
    const user = await first.signUp({ email: 'kim@example.com', password: 'a long password', name: 'Kim' });
    const { accessToken } = await first.signIn('kim@example.com', 'a long password');
    const second = await open();
    expect(await second.verify(accessToken)).toEqual({ userId: user.id, email: 'kim@example.com', role: 'customer' });
    expect(await second.jwks()).toEqual(await first.jwks());
    const [jwk] = (await first.jwks()).keys;
    expect(jwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(jwk).not.toHaveProperty('d');
  });

  it('fails sign-in alike for a wrong password and an unknown email', async () => {
    const identity = await open();
    await identity.signUp({ email: 'lee@example.com', password: 'a long password', name: 'Lee' });
    const wrong = await identity.signIn('lee@example.com', 'not the password').catch((e: unknown) => e);
    const unknown = await identity.signIn('nobody@example.com', 'a long password').catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(AuthenticationError);
    expect(unknown).toBeInstanceOf(AuthenticationError);
    expect((wrong as Error).message).toBe((unknown as Error).message);
  });

  it('takes the role from the user record at each sign-in', async () => {
    const identity = await open();
    const user = await identity.signUp({ email: 'max@example.com', password: 'a long password', name: 'Max' });
    const before = await identity.verify((await identity.signIn('max@example.com', 'a long password')).accessToken);
    await sor.users.setRole(user.id, 'admin');
    const after = await identity.verify((await identity.signIn('max@example.com', 'a long password')).accessToken);
    expect([before.role, after.role]).toEqual(['customer', 'admin']);
  });

  it('re-hashes a password made with another cost at the next sign-in', async () => {
    const cheap = await open(COST);
    const user = await cheap.signUp({ email: 'ola@example.com', password: 'a long password', name: 'Ola' });
    const dearer = await open(COST * 2);
    await dearer.signIn('ola@example.com', 'a long password');
    expect(hashCost((await sor.users.passwordHash(user.id))!)).toBe(COST * 2);
  });

  it('refuses tampered and foreign tokens', async () => {
    const identity = await open();
    await identity.signUp({ email: 'pat@example.com', password: 'a long password', name: 'Pat' });
    const { accessToken } = await identity.signIn('pat@example.com', 'a long password');
    const [header, payload, signature] = accessToken.split('.') as [string, string, string];
    const promoted = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), role: 'admin' })).toString('base64url');
    await expect(identity.verify(`${header}.${promoted}.${signature}`)).rejects.toBeInstanceOf(AuthenticationError);
    await expect(identity.verify('not.a.token')).rejects.toBeInstanceOf(AuthenticationError);

    const otherDir = tempDir('bookstore-identity-other-');
    try {
      const stranger = await LocalIdentity.open({ users: sor.users, keyFile: join(otherDir.path, 'key.json'), scryptCost: COST, tokenTtlSeconds: 600 });
      const foreign = await stranger.signIn('pat@example.com', 'a long password');
      await expect(identity.verify(foreign.accessToken)).rejects.toBeInstanceOf(AuthenticationError);
    } finally {
      otherDir.remove();
    }
  });
});
