import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminRemoveUserFromGroupCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  InitiateAuthCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import type { Fetcher } from 'aws-jwt-verify/https';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import type { CognitoIdTokenPayload } from 'aws-jwt-verify/jwt-model';
import { AuthenticationError, ConflictError, ValidationError } from '../../domain/errors.js';
import { normalizeEmail, type Principal, type User } from '../../domain/user.js';
import type { AccessToken, Identity, JsonWebKeySet, SignUpInput } from '../../ports/identity.js';
import type { Users } from '../../ports/users.js';

/**
 * The custom attribute (declared in the pool schema as `bookstore_id`, read as `custom:bookstore_id`)
 * that carries the system of record's user id into the ID token. The app client must be able to read
 * it and must NOT be able to write it, or a user could rename themselves into someone else's account.
 */
export const BOOKSTORE_ID_ATTRIBUTE = 'bookstore_id';
/** The Cognito group that mirrors the `admin` role (it must exist in the pool). */
export const ADMIN_GROUP = 'admin';

const ID_CLAIM = `custom:${BOOKSTORE_ID_ATTRIBUTE}`;
const BAD_CREDENTIALS = 'wrong email or password';
const BAD_TOKEN = 'the access token is invalid or expired';
/** Cognito's answers to a failed USER_PASSWORD_AUTH; they all mean "no" to the caller, alike. */
const SIGN_IN_REFUSALS = new Set(['NotAuthorizedException', 'UserNotFoundException', 'UserNotConfirmedException', 'PasswordResetRequiredException']);

export interface CognitoIdentityOptions {
  /** Any client with the SDK's `send` (the real `CognitoIdentityProviderClient`, with credentials allowed the Admin* calls). */
  client: Pick<CognitoIdentityProviderClient, 'send'>;
  /** `<region>_<id>`: the verifier derives the issuer `https://cognito-idp.<region>.amazonaws.com/<pool>` from it. */
  userPoolId: string;
  /** An app client without a secret, with ALLOW_USER_PASSWORD_AUTH, reading `custom:bookstore_id` and `email`. */
  clientId: string;
  /** The system of record: it owns user ids, profiles and roles; Cognito owns passwords. */
  users: Users;
  /**
   * Where to fetch the pool's signing keys instead of the issuer's `/.well-known/jwks.json`. Only for
   * stand-ins such as moto, whose tokens name the real issuer while it serves the keys itself.
   */
  jwksUri?: string;
}

type Verifier = ReturnType<typeof createVerifier>;

/**
 * Accounts in a Cognito user pool; the bearer token is Cognito's ID token, verified with
 * aws-jwt-verify. The ID token (not the access token) is the one that carries what a principal needs:
 * `email` and the custom attribute with our user id (access tokens carry neither), and it is what an
 * API Gateway Cognito authorizer accepts by default.
 *
 * The pool's username is the email (pool created with `UsernameAttributes: ['email']`); our user id
 * lives in `custom:bookstore_id`, so a principal names the system of record's id and every other port
 * keeps working unchanged. The role mirrors the record as membership of the `admin` group, so the
 * token alone says who is an admin (as an authorizer in front of the API would see it). The record
 * stays the truth: each sign-in compares the fresh token with the record and, when the mirror is
 * stale (role changed by `Users.setRole`, or an earlier sign-up interrupted before the id was
 * written), repairs the user in Cognito and signs in again. So a role change applies from the next
 * sign-in; tokens already issued keep their role until they expire (an hour by default).
 *
 * Not done: challenges (MFA, NEW_PASSWORD_REQUIRED) fail sign-in; refresh tokens are dropped; no
 * e-mail verification, password reset or sign-out; an account whose sign-up stopped between Cognito
 * and the system of record (process killed in between) is left in Cognito, where it blocks that email
 * with `email-taken` until someone deletes it.
 */
export class CognitoIdentity implements Identity {
  private readonly client: Pick<CognitoIdentityProviderClient, 'send'>;
  private readonly userPoolId: string;
  private readonly clientId: string;
  private readonly users: Users;
  private readonly jwksCache: SimpleJwksCache;
  private readonly verifier: Verifier;

  constructor(opts: CognitoIdentityOptions) {
    this.client = opts.client;
    this.userPoolId = opts.userPoolId;
    this.clientId = opts.clientId;
    this.users = opts.users;
    const jwksUri = opts.jwksUri;
    this.jwksCache = new SimpleJwksCache(jwksUri === undefined ? {} : { fetcher: fixedUriFetcher(jwksUri) });
    this.verifier = createVerifier(opts.userPoolId, opts.clientId, this.jwksCache);
  }

  /**
   * Creates the Cognito user first (it decides whether the email is free and the password acceptable),
   * then the record, then writes the record's id onto the Cognito user. A failure before the record
   * exists deletes the Cognito user again, so a refused sign-up leaves nothing behind.
   */
  async signUp(input: SignUpInput): Promise<User> {
    const email = normalizeEmail(input.email);
    try {
      await this.client.send(
        new AdminCreateUserCommand({
          UserPoolId: this.userPoolId,
          Username: email,
          MessageAction: 'SUPPRESS',
          UserAttributes: [
            { Name: 'email', Value: email },
            { Name: 'email_verified', Value: 'true' },
            { Name: 'name', Value: input.name },
          ],
        }),
      );
    } catch (e) {
      if (errorName(e) === 'UsernameExistsException') throw emailTaken();
      throw e;
    }
    let user: User;
    try {
      await this.client.send(new AdminSetUserPasswordCommand({ UserPoolId: this.userPoolId, Username: email, Password: input.password, Permanent: true }));
      user = await this.users.create({ email, name: input.name, role: 'customer' });
    } catch (e) {
      await this.client.send(new AdminDeleteUserCommand({ UserPoolId: this.userPoolId, Username: email }));
      if (errorName(e) === 'InvalidPasswordException') {
        throw new ValidationError({ field: 'password', detail: (e as Error).message }, { cause: e });
      }
      throw e;
    }
    await this.mirror(email, user, { userId: undefined, admin: false });
    return user;
  }

  async signIn(email: string, password: string): Promise<AccessToken> {
    const username = normalizeEmail(email);
    const first = await this.authenticate(username, password);
    const user = await this.users.findByEmail(username);
    if (!user) throw new AuthenticationError(BAD_CREDENTIALS);
    if (mirrors(first.claims, user)) return first.token;
    await this.mirror(username, user, { userId: stringClaim(first.claims[ID_CLAIM]), admin: isAdmin(first.claims) });
    const second = await this.authenticate(username, password);
    if (!mirrors(second.claims, user)) {
      throw new Error(`the ID tokens of pool ${this.userPoolId} lack ${ID_CLAIM} or cognito:groups: let app client ${this.clientId} read ${ID_CLAIM}`);
    }
    return second.token;
  }

  async verify(token: string): Promise<Principal> {
    let claims: CognitoIdTokenPayload;
    try {
      claims = await this.verifier.verify(token);
    } catch (e) {
      throw new AuthenticationError(BAD_TOKEN, { cause: e });
    }
    return principalOf(claims);
  }

  /**
   * Deletes the pool's user (AdminDeleteUser; an already deleted one is fine). Tokens it issued keep
   * verifying until they expire, so requests also check that the record still has the account.
   */
  async deleteAccount(user: Pick<User, 'id' | 'email'>): Promise<void> {
    try {
      await this.client.send(new AdminDeleteUserCommand({ UserPoolId: this.userPoolId, Username: normalizeEmail(user.email) }));
    } catch (e) {
      if (errorName(e) !== 'UserNotFoundException') throw e;
    }
  }

  async jwks(): Promise<JsonWebKeySet> {
    const { keys } = await this.jwksCache.getJwks(CognitoJwtVerifier.parseUserPoolId(this.userPoolId).jwksUri);
    return { keys: keys.map((key) => ({ ...key })) };
  }

  private async authenticate(username: string, password: string): Promise<{ token: AccessToken; claims: CognitoIdTokenPayload }> {
    let result;
    try {
      result = await this.client.send(
        new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: this.clientId, AuthParameters: { USERNAME: username, PASSWORD: password } }),
      );
    } catch (e) {
      if (SIGN_IN_REFUSALS.has(errorName(e) ?? '')) throw new AuthenticationError(BAD_CREDENTIALS, { cause: e });
      throw e;
    }
    const idToken = result.AuthenticationResult?.IdToken;
    if (!idToken) {
      throw new AuthenticationError(`this account needs a sign-in step the store does not support (${result.ChallengeName ?? 'no token issued'})`);
    }
    // Verified even though it comes straight from Cognito: a misconfigured pool or key set shows up
    // here, at sign-in, rather than as every later request failing.
    const claims = await this.verifier.verify(idToken);
    // ExpiresIn is the access token's lifetime, which a pool may set apart from the ID token's.
    const expiresIn = claims.exp - Math.floor(Date.now() / 1000);
    return { token: { accessToken: idToken, tokenType: 'Bearer', expiresIn }, claims };
  }

  /** Brings the Cognito user in line with the record, touching only what differs from `current`. */
  private async mirror(username: string, user: User, current: { userId: string | undefined; admin: boolean }): Promise<void> {
    if (current.userId !== user.id) {
      await this.client.send(
        new AdminUpdateUserAttributesCommand({ UserPoolId: this.userPoolId, Username: username, UserAttributes: [{ Name: ID_CLAIM, Value: user.id }] }),
      );
    }
    const admin = user.role === 'admin';
    if (current.admin !== admin) {
      const membership = { UserPoolId: this.userPoolId, Username: username, GroupName: ADMIN_GROUP };
      await this.client.send(admin ? new AdminAddUserToGroupCommand(membership) : new AdminRemoveUserFromGroupCommand(membership));
    }
  }
}

function createVerifier(userPoolId: string, clientId: string, jwksCache: SimpleJwksCache) {
  return CognitoJwtVerifier.create({ userPoolId, clientId, tokenUse: 'id' }, { jwksCache });
}

/** aws-jwt-verify's own fetcher speaks HTTPS only; a stand-in's keys are at a plain-HTTP address. */
function fixedUriFetcher(jwksUri: string): Fetcher {
  return {
    async fetch() {
      const response = await fetch(jwksUri);
      if (!response.ok) throw new Error(`fetching ${jwksUri} answered ${response.status}`);
      return response.arrayBuffer();
    },
  };
}

function principalOf(claims: CognitoIdTokenPayload): Principal {
  const userId = stringClaim(claims[ID_CLAIM]);
  const email = stringClaim(claims.email);
  // A token from before the id was written onto the Cognito user proves no account of ours.
  if (userId === undefined || email === undefined) throw new AuthenticationError(BAD_TOKEN);
  return { userId, email, role: isAdmin(claims) ? 'admin' : 'customer' };
}

function mirrors(claims: CognitoIdTokenPayload, user: User): boolean {
  return claims[ID_CLAIM] === user.id && isAdmin(claims) === (user.role === 'admin');
}

function isAdmin(claims: CognitoIdTokenPayload): boolean {
  return claims['cognito:groups']?.includes(ADMIN_GROUP) ?? false;
}

function stringClaim(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function errorName(e: unknown): string | undefined {
  return e instanceof Error ? e.name : undefined;
}

function emailTaken(): ConflictError {
  return new ConflictError('email-taken', 'an account with this email already exists', 'email');
}
