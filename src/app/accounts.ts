import { AuthenticationError } from '../domain/errors.js';
import { normalizeEmail, validateSignUp, type Principal, type User } from '../domain/user.js';
import type { AttemptCounter } from '../ports/attempt-counter.js';
import type { AccessToken, Identity, JsonWebKeySet } from '../ports/identity.js';
import type { Metrics } from '../ports/metrics.js';
import type { Users } from '../ports/users.js';
import { AttemptLimits, type AttemptLimitSettings, type Client } from './attempt-limits.js';

export interface AccountDeps {
  identity: Identity;
  users: Users;
  metrics: Metrics;
  attempts: AttemptCounter;
  attemptLimits: AttemptLimitSettings;
}

export interface SignedIn extends AccessToken {
  user: User;
}

export function accountUseCases({ identity, users, metrics, attempts, attemptLimits }: AccountDeps) {
  const limits = new AttemptLimits(attempts, attemptLimits, metrics);
  return {
    /** The limit is checked before the password is hashed: a refused sign-up costs one counter, not a hash. */
    async signUp(input: { email: string; password: string; name: string }, client: Client): Promise<User> {
      const valid = validateSignUp(input);
      await limits.signUp(valid.email, client);
      return identity.signUp(valid);
    },

    /**
     * The limits are checked before the password is: a refused attempt costs no hash. Counts the
     * refusals (wrong email or password); an identity provider that is down is no failed sign-in.
     */
    async signIn(email: string, password: string, client: Client): Promise<SignedIn> {
      await limits.signIn(email, client);
      try {
        const token = await identity.signIn(normalizeEmail(email), password);
        const user = await users.findByEmail(normalizeEmail(email));
        if (!user) throw new AuthenticationError('wrong email or password');
        await limits.signedIn(email);
        return { ...token, user };
      } catch (e) {
        if (e instanceof AuthenticationError) metrics.signInFailed();
        throw e;
      }
    },

    /**
     * The principal a bearer token proves (AuthenticationError otherwise). The account must still be in
     * the record: tokens are checked offline (a signature, or Cognito's keys), so a deleted account's
     * tokens would otherwise keep working until they expire.
     */
    async authenticate(token: string): Promise<Principal> {
      const principal = await identity.verify(token);
      if (!(await users.get(principal.userId))) throw new AuthenticationError('the account of this token no longer exists');
      return principal;
    },

    async me(principal: Principal): Promise<User> {
      const user = await users.get(principal.userId);
      if (!user) throw new AuthenticationError('the account of this token no longer exists');
      return user;
    },

    async jwks(): Promise<JsonWebKeySet> {
      return identity.jwks();
    },
  };
}
