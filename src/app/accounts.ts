import { AuthenticationError } from '../domain/errors.js';
import { normalizeEmail, validateSignUp, type Principal, type User } from '../domain/user.js';
import type { AccessToken, Identity, JsonWebKeySet } from '../ports/identity.js';
import type { Metrics } from '../ports/metrics.js';
import type { Users } from '../ports/users.js';

export interface AccountDeps {
  identity: Identity;
  users: Users;
  metrics: Metrics;
}

export interface SignedIn extends AccessToken {
  user: User;
}

export function accountUseCases({ identity, users, metrics }: AccountDeps) {
  return {
    async signUp(input: { email: string; password: string; name: string }): Promise<User> {
      return identity.signUp(validateSignUp(input));
    },

    /** Counts the refusals (wrong email or password); an identity provider that is down is no failed sign-in. */
    async signIn(email: string, password: string): Promise<SignedIn> {
      try {
        const token = await identity.signIn(normalizeEmail(email), password);
        const user = await users.findByEmail(normalizeEmail(email));
        if (!user) throw new AuthenticationError('wrong email or password');
        return { ...token, user };
      } catch (e) {
        if (e instanceof AuthenticationError) metrics.signInFailed();
        throw e;
      }
    },

    /** The principal a bearer token proves (AuthenticationError otherwise). */
    async authenticate(token: string): Promise<Principal> {
      return identity.verify(token);
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
