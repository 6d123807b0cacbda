import { join } from 'node:path';
import { AdminUpdateUserAttributesCommand } from '@aws-sdk/client-cognito-identity-provider';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CognitoIdentity } from '../../src/adapters/cognito/cognito-identity.js';
import { openSqliteSystemOfRecord } from '../../src/adapters/embedded/sqlite-system-of-record.js';
import { ValidationError } from '../../src/domain/errors.js';
import { identityConformance } from '../conformance/identity.js';
import { tempDir } from '../support/temp-dir.js';
import { createCognitoPool } from './cognito-pool.js';

// Cognito holds the credentials; the system of record stays the embedded one here.
async function makeCognitoIdentity() {
  const pool = await createCognitoPool();
  const dir = tempDir('bookstore-cognito-');
  const sor = openSqliteSystemOfRecord(join(dir.path, 'store.db'));
  const identity = new CognitoIdentity({ client: pool.client, userPoolId: pool.userPoolId, clientId: pool.clientId, users: sor.users, jwksUri: pool.jwksUri });
  return {
    identity,
    users: sor.users,
    pool,
    async close() {
      await sor.close();
      dir.remove();
      await pool.remove();
    },
  };
}

identityConformance(makeCognitoIdentity);

// What only this adapter can get wrong: the pool's own refusals and the Cognito copy of the record.
describe('CognitoIdentity', () => {
  let subject: Awaited<ReturnType<typeof makeCognitoIdentity>>;
  beforeEach(async () => {
    subject = await makeCognitoIdentity();
  });
  afterEach(async () => {
    await subject.close();
  });

  it('turns a password the pool refuses into a ValidationError on password, leaving nothing behind', async () => {
    const { identity, users } = subject;
    const refused = await identity.signUp({ email: 'gus@example.com', password: 'short', name: 'Gus' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ValidationError);
    expect((refused as ValidationError).issues.map((i) => i.field)).toEqual(['password']);
    expect(await users.findByEmail('gus@example.com')).toBeNull();
    const user = await identity.signUp({ email: 'gus@example.com', password: 'long enough now', name: 'Gus' });
    const { accessToken } = await identity.signIn('gus@example.com', 'long enough now');
    expect((await identity.verify(accessToken)).userId).toBe(user.id);
  });

  it('rewrites a stale user id on the Cognito user at the next sign-in, the record being the truth', async () => {
    const { identity, pool } = subject;
    const user = await identity.signUp({ email: 'hal@example.com', password: 'a long password', name: 'Hal' });
    await pool.client.send(
      new AdminUpdateUserAttributesCommand({
        UserPoolId: pool.userPoolId,
        Username: 'hal@example.com',
        UserAttributes: [{ Name: 'custom:bookstore_id', Value: '0000000000zzzzzzzzzzzzzzzz' }],
      }),
    );
    const { accessToken } = await identity.signIn('hal@example.com', 'a long password');
    expect(await identity.verify(accessToken)).toEqual({ userId: user.id, email: 'hal@example.com', role: 'customer' });
  });
});
