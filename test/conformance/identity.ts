import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, generateKeyPair, jwtVerify, SignJWT } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuthenticationError, ConflictError } from '../../src/domain/errors.js';
import type { Identity } from '../../src/ports/identity.js';
import type { Users } from '../../src/ports/users.js';

interface IdentityUnderTest {
  identity: Identity;
  /** The system of record the identity provider keeps its users in. */
  users: Users;
  close(): Promise<void>;
}

const PASSWORD = 'correct horse battery';
const OTHER_PASSWORD = 'another long password';
/** JWK members that only a private or secret key has. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => new Error('expected a rejection'),
    (e: unknown) => e,
  );
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export function identityConformance(make: () => Promise<IdentityUnderTest>): void {
  describe('Identity conformance', () => {
    let subject: IdentityUnderTest;
    let identity: Identity;
    let users: Users;
    beforeEach(async () => {
      subject = await make();
      ({ identity, users } = subject);
    });
    afterEach(async () => {
      await subject.close();
    });

    it('signs up a customer whose record the system of record holds', async () => {
      const user = await identity.signUp({ email: 'ann.lee@example.com', password: PASSWORD, name: 'Ann Lee' });
      expect(user).toMatchObject({ email: 'ann.lee@example.com', name: 'Ann Lee', role: 'customer' });
      expect(user).not.toHaveProperty('passwordHash');
      expect(await users.get(user.id)).toEqual(user);
      expect(await users.findByEmail('ann.lee@example.com')).toEqual(user);
    });

    it('deletes an account so its password opens nothing and its email is free again, idempotently', async () => {
      const user = await identity.signUp({ email: 'gone@example.com', password: PASSWORD, name: 'Gone' });
      await identity.signIn('gone@example.com', PASSWORD);
      await identity.deleteAccount(user);
      await users.delete(user.id);
      await identity.deleteAccount(user);
      expect(await rejection(identity.signIn('gone@example.com', PASSWORD))).toBeInstanceOf(AuthenticationError);
      const again = await identity.signUp({ email: 'gone@example.com', password: OTHER_PASSWORD, name: 'Back' });
      expect(again.id).not.toBe(user.id);
      expect(await identity.verify((await identity.signIn('gone@example.com', OTHER_PASSWORD)).accessToken)).toMatchObject({ userId: again.id });
    });

    it('refuses an email that is taken, whatever its case, and keeps the first account as it was', async () => {
      const first = await identity.signUp({ email: 'ann@example.com', password: PASSWORD, name: 'Ann' });
      const attempt = await rejection(identity.signUp({ email: 'ANN@Example.com', password: OTHER_PASSWORD, name: 'Other Ann' }));
      expect(attempt).toBeInstanceOf(ConflictError);
      expect(attempt).toMatchObject({ code: 'email-taken' });
      expect(await users.findByEmail('ann@example.com')).toEqual(first);
      await expect(identity.signIn('ann@example.com', OTHER_PASSWORD)).rejects.toBeInstanceOf(AuthenticationError);
      const { accessToken } = await identity.signIn('ann@example.com', PASSWORD);
      expect((await identity.verify(accessToken)).userId).toBe(first.id);
    });

    it('signs in with a bearer token that proves the user of the record', async () => {
      const user = await identity.signUp({ email: 'bo@example.com', password: PASSWORD, name: 'Bo' });
      const token = await identity.signIn('bo@example.com', PASSWORD);
      expect(token.tokenType).toBe('Bearer');
      expect(token.expiresIn).toBeGreaterThan(0);
      expect(await identity.verify(token.accessToken)).toEqual({ userId: user.id, email: 'bo@example.com', role: 'customer' });
      // Emails are case-insensitive at sign-in too.
      const again = await identity.signIn('BO@Example.COM', PASSWORD);
      expect((await identity.verify(again.accessToken)).userId).toBe(user.id);
    });

    it('fails sign-in alike for a wrong password and an unknown email', async () => {
      await identity.signUp({ email: 'cy@example.com', password: PASSWORD, name: 'Cy' });
      const wrong = await rejection(identity.signIn('cy@example.com', OTHER_PASSWORD));
      const unknown = await rejection(identity.signIn('nobody@example.com', PASSWORD));
      expect(wrong).toBeInstanceOf(AuthenticationError);
      expect(unknown).toBeInstanceOf(AuthenticationError);
      expect((wrong as Error).message).toBe((unknown as Error).message);
    });

    it('refuses garbage, tampered, expired-looking, unsigned and foreign-signed tokens', async () => {
      await identity.signUp({ email: 'di@example.com', password: PASSWORD, name: 'Di' });
      const { accessToken } = await identity.signIn('di@example.com', PASSWORD);
      const [header, , signature] = accessToken.split('.') as [string, string, string];
      const claims = decodeJwt(accessToken);
      const protectedHeader = decodeProtectedHeader(accessToken);
      const now = Math.floor(Date.now() / 1000);

      const alg = protectedHeader.alg ?? 'RS256';
      const foreignKey = await generateKeyPair(alg);
      const forged = [
        '',
        'garbage',
        'not.a.token',
        `${accessToken}x`,
        // The real signature over claims it did not sign: another role, then a lapsed expiry.
        `${header}.${base64url({ ...claims, role: 'admin', 'cognito:groups': ['admin'] })}.${signature}`,
        `${header}.${base64url({ ...claims, exp: now - 3600, iat: now - 7200 })}.${signature}`,
        // No signature at all.
        `${base64url({ ...protectedHeader, alg: 'none' })}.${base64url(claims)}.`,
        // The same header and claims, signed by a key this provider never issued.
        await new SignJWT(claims).setProtectedHeader({ ...protectedHeader, alg }).sign(foreignKey.privateKey),
      ];
      for (const token of forged) {
        await expect(identity.verify(token), token).rejects.toBeInstanceOf(AuthenticationError);
      }
      expect((await identity.verify(accessToken)).email).toBe('di@example.com');
    });

    it('publishes public keys only, and they verify its tokens', async () => {
      await identity.signUp({ email: 'eve@example.com', password: PASSWORD, name: 'Eve' });
      const { accessToken } = await identity.signIn('eve@example.com', PASSWORD);
      const jwks = await identity.jwks();
      expect(jwks.keys.length).toBeGreaterThan(0);
      for (const key of jwks.keys) {
        expect(typeof key.kty).toBe('string');
        for (const member of PRIVATE_MEMBERS) expect(key).not.toHaveProperty(member);
      }
      const { payload } = await jwtVerify(accessToken, createLocalJWKSet(jwks as Parameters<typeof createLocalJWKSet>[0]));
      expect(payload.exp).toBeGreaterThan(Date.now() / 1000);
    });

    it('carries the role of the record from the next sign-in, both ways', async () => {
      const user = await identity.signUp({ email: 'flo@example.com', password: PASSWORD, name: 'Flo' });
      const before = await identity.signIn('flo@example.com', PASSWORD);
      expect((await identity.verify(before.accessToken)).role).toBe('customer');

      await users.setRole(user.id, 'admin');
      const promoted = await identity.signIn('flo@example.com', PASSWORD);
      expect(await identity.verify(promoted.accessToken)).toEqual({ userId: user.id, email: 'flo@example.com', role: 'admin' });
      // A token issued earlier may keep the role it was issued with until it expires, but it stays valid.
      expect((await identity.verify(before.accessToken)).userId).toBe(user.id);

      await users.setRole(user.id, 'customer');
      const demoted = await identity.signIn('flo@example.com', PASSWORD);
      expect((await identity.verify(demoted.accessToken)).role).toBe('customer');
    });
  });
}
