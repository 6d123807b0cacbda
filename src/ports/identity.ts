import type { Principal, User } from '../domain/user.js';

export interface SignUpInput {
  email: string;
  password: string;
  name: string;
}

export interface AccessToken {
  accessToken: string;
  tokenType: 'Bearer';
  /** Seconds until the token expires. */
  expiresIn: number;
}

export interface JsonWebKeySet {
  keys: Array<Record<string, unknown>>;
}

/**
 * Accounts and tokens (embedded: scrypt hashes in the system of record and ES256 tokens signed with
 * a local key pair; AWS: Cognito). Callers validate input shape first; the identity provider owns
 * credentials.
 */
export interface Identity {
  /** Creates a customer account; ConflictError `email-taken` when the email is in use. */
  signUp(input: SignUpInput): Promise<User>;
  /** AuthenticationError for an unknown email or a wrong password, with the same message and timing. */
  signIn(email: string, password: string): Promise<AccessToken>;
  /** The principal a bearer token proves; AuthenticationError when it is invalid or expired. */
  verify(token: string): Promise<Principal>;
  /** Public keys that verify this provider's tokens. */
  jwks(): Promise<JsonWebKeySet>;
  /**
   * Removes the account's credentials from the provider (Cognito: the pool's user); idempotent. The
   * local provider's password hash lives in the record and goes with `Users.delete`.
   */
  deleteAccount(user: Pick<User, 'id' | 'email'>): Promise<void>;
}
