import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type CryptoKey, type JWK } from 'jose';
import { AuthenticationError } from '../../domain/errors.js';
import { normalizeEmail, type Principal, type Role, type User } from '../../domain/user.js';
import type { AccessToken, Identity, JsonWebKeySet, SignUpInput } from '../../ports/identity.js';
import type { Users } from '../../ports/users.js';
import { hashCost, hashPassword, verifyPassword } from './scrypt-password.js';

const ALGORITHM = 'ES256';
const ISSUER = 'bookstore';
const AUDIENCE = 'bookstore-api';
const BAD_CREDENTIALS = 'wrong email or password';

export interface LocalIdentityOptions {
  users: Users;
  /** Where the private signing key (a JWK) lives; created with mode 0600 on first open. */
  keyFile: string;
  scryptCost: number;
  tokenTtlSeconds: number;
}

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
}

/**
 * Accounts with scrypt password hashes in the system of record and ES256 access tokens signed by a
 * key pair kept in the data directory, so tokens survive restarts and the CLI and server agree.
 */
export class LocalIdentity implements Identity {
  private constructor(
    private readonly users: Users,
    private readonly key: SigningKey,
    private readonly scryptCost: number,
    private readonly tokenTtlSeconds: number,
    /** Verified against when the email is unknown, so both failures cost one scrypt run. */
    private readonly decoyHash: string,
  ) {}

  static async open(opts: LocalIdentityOptions): Promise<LocalIdentity> {
    const key = await loadOrCreateSigningKey(opts.keyFile);
    const decoyHash = await hashPassword(randomBytes(16).toString('hex'), opts.scryptCost);
    return new LocalIdentity(opts.users, key, opts.scryptCost, opts.tokenTtlSeconds, decoyHash);
  }

  async signUp(input: SignUpInput): Promise<User> {
    const passwordHash = await hashPassword(input.password, this.scryptCost);
    return this.users.create({ email: normalizeEmail(input.email), name: input.name, role: 'customer', passwordHash });
  }

  async signIn(email: string, password: string): Promise<AccessToken> {
    const user = await this.users.findByEmail(normalizeEmail(email));
    const stored = user ? await this.users.passwordHash(user.id) : null;
    const matches = await verifyPassword(password, stored ?? this.decoyHash);
    if (!user || stored === null || !matches) throw new AuthenticationError(BAD_CREDENTIALS);
    if (hashCost(stored) !== this.scryptCost) {
      await this.users.setPasswordHash(user.id, await hashPassword(password, this.scryptCost));
    }
    // The role is read from the record at every sign-in, so a promotion applies from the next login.
    const accessToken = await new SignJWT({ email: user.email, role: user.role })
      .setProtectedHeader({ alg: ALGORITHM, kid: this.key.kid, typ: 'JWT' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject(user.id)
      .setIssuedAt()
      .setExpirationTime(`${this.tokenTtlSeconds}s`)
      .sign(this.key.privateKey);
    return { accessToken, tokenType: 'Bearer', expiresIn: this.tokenTtlSeconds };
  }

  async verify(token: string): Promise<Principal> {
    let payload;
    try {
      ({ payload } = await jwtVerify(token, this.key.publicKey, { issuer: ISSUER, audience: AUDIENCE, algorithms: [ALGORITHM] }));
    } catch (e) {
      throw new AuthenticationError('the access token is invalid or expired', { cause: e });
    }
    const { sub, email, role } = payload;
    if (typeof sub !== 'string' || typeof email !== 'string' || !isRole(role)) {
      throw new AuthenticationError('the access token is invalid or expired');
    }
    return { userId: sub, email, role };
  }

  async jwks(): Promise<JsonWebKeySet> {
    return { keys: [{ ...this.key.publicJwk }] };
  }

  /** Nothing of its own to delete: the hash is in the record's credentials table and goes with `Users.delete`. */
  async deleteAccount(_user: Pick<User, 'id' | 'email'>): Promise<void> {}
}

function isRole(value: unknown): value is Role {
  return value === 'customer' || value === 'admin';
}

async function loadOrCreateSigningKey(keyFile: string): Promise<SigningKey> {
  let privateJwk: JWK;
  try {
    privateJwk = JSON.parse(await readFile(keyFile, 'utf8')) as JWK;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    privateJwk = await createKeyFile(keyFile);
  }
  const { d: _secret, ...publicJwk } = privateJwk;
  const kid = privateJwk.kid ?? (await calculateJwkThumbprint(publicJwk));
  return {
    kid,
    privateKey: (await importJWK(privateJwk, ALGORITHM)) as CryptoKey,
    publicKey: (await importJWK(publicJwk, ALGORITHM)) as CryptoKey,
    publicJwk: { kty: publicJwk.kty, crv: publicJwk.crv, x: publicJwk.x, y: publicJwk.y, kid, alg: ALGORITHM, use: 'sig' },
  };
}

/**
 * Writes a new key pair to a private temporary file, then links it into place: the link either
 * publishes a complete file or fails because another process won the race, whose key we then use.
 */
async function createKeyFile(keyFile: string): Promise<JWK> {
  const { privateKey } = await generateKeyPair(ALGORITHM, { extractable: true });
  const jwk = await exportJWK(privateKey);
  const { d: _secret, ...publicPart } = jwk;
  const privateJwk: JWK = { ...jwk, kid: await calculateJwkThumbprint(publicPart), alg: ALGORITHM, use: 'sig' };
  await mkdir(dirname(keyFile), { recursive: true, mode: 0o700 });
  const temporary = `${keyFile}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temporary, JSON.stringify(privateJwk), { mode: 0o600, flag: 'wx' });
  try {
    await link(temporary, keyFile);
    return privateJwk;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    return JSON.parse(await readFile(keyFile, 'utf8')) as JWK;
  } finally {
    await unlink(temporary);
  }
}
