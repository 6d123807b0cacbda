import type { UseCases } from '../../app/index.js';
import type { Config } from '../../config.js';
import type { Metrics } from '../../ports/metrics.js';
import { principalOf } from '../access.js';
import { HttpProblem } from '../problem.js';
import { RATE_LIMIT_HEADERS, responses } from '../responses.js';
import type { App } from '../types.js';
import { Jwks, LoginBody, LoginResult, SignUpBody, toUserJson, UserEnvelope } from './schemas.js';

const tags = ['accounts'];
/** A bearer token (and the account it opens) must never be kept by a browser or proxy cache (RFC 6749 §5.1). */
const NO_STORE = 'no-store';

/** Attempts are counted per client address and email, before validation, so malformed tries count too. */
function loginKey(request: { ip: string; body: unknown }): string {
  const body = request.body;
  const email = body && typeof body === 'object' && 'email' in body && typeof body.email === 'string' ? body.email.trim().toLowerCase() : '';
  return `${request.ip}|${email}`;
}

export function authRoutes(app: App, useCases: UseCases, config: Config, metrics: Metrics): void {
  const { accounts } = useCases;

  app.post(
    '/auth/signup',
    { config: { access: 'public' }, schema: { tags, operationId: 'signUp', summary: 'Create a customer account', body: SignUpBody, response: responses({ 201: { description: 'The new account; sign in to get a token', schema: UserEnvelope } }) } },
    async (request, reply) => {
      const user = await accounts.signUp(request.body);
      reply.code(201).header('cache-control', NO_STORE);
      return { user: toUserJson(user) };
    },
  );

  app.post(
    '/auth/login',
    {
      config: {
        access: 'public',
        rateLimit: {
          max: config.loginRateLimitPerMinute,
          timeWindow: 60_000,
          hook: 'preValidation',
          keyGenerator: loginKey,
          onExceeded: () => metrics.signInRateLimited(),
          errorResponseBuilder: (_request, context) =>
            new HttpProblem(429, 'too-many-requests', `too many sign-in attempts; try again in ${context.after}`),
        },
      },
      schema: { tags, operationId: 'signIn', summary: 'Exchange email and password for an access token', body: LoginBody, response: responses({ 200: { description: 'A bearer token (never cached: `Cache-Control: no-store`)', schema: LoginResult, headers: RATE_LIMIT_HEADERS } }) },
    },
    async (request, reply) => {
      const signedIn = await accounts.signIn(request.body.email, request.body.password);
      reply.header('cache-control', NO_STORE);
      return { accessToken: signedIn.accessToken, tokenType: signedIn.tokenType, expiresIn: signedIn.expiresIn, user: toUserJson(signedIn.user) };
    },
  );

  app.get(
    '/me',
    { config: { access: 'customer' }, schema: { tags, operationId: 'getMe', summary: 'The signed-in account', response: responses({ 200: { description: 'My account', schema: UserEnvelope } }) } },
    async (request) => ({ user: toUserJson(await accounts.me(principalOf(request))) }),
  );
}

/** The public keys tokens are signed with, at the well-known address (outside /api/v1). */
export function jwksRoute(app: App, useCases: UseCases): void {
  app.get(
    '/.well-known/jwks.json',
    { config: { access: 'public' }, schema: { tags, operationId: 'getJwks', summary: 'Public keys that verify access tokens', response: responses({ 200: { description: 'A JSON Web Key Set', schema: Jwks } }) } },
    async () => useCases.accounts.jwks(),
  );
}
