import type { UseCases } from '../../app/index.js';
import { principalOf } from '../access.js';
import { responses } from '../responses.js';
import type { App } from '../types.js';
import { DeleteAccountBody, Jwks, LoginBody, LoginResult, SignUpBody, toUserJson, UserEnvelope } from './schemas.js';

const tags = ['accounts'];
/** A bearer token (and the account it opens) must never be kept by a browser or proxy cache (RFC 6749 §5.1). */
const NO_STORE = 'no-store';

/** What the attempt limits count by: the transport's peer (API Gateway's sourceIp on Lambda), never a forwarded header. */
const clientOf = (request: { ip: string }) => ({ address: request.ip });

const LIMITED = 'Too many attempts from this address or at this account in the current minute; nothing was checked. Wait Retry-After seconds';

export function authRoutes(app: App, useCases: UseCases): void {
  const { accounts } = useCases;

  app.post(
    '/auth/signup',
    { config: { access: 'public' }, schema: { tags, operationId: 'signUp', summary: 'Create a customer account', body: SignUpBody, response: responses({ 201: { description: 'The new account; sign in to get a token', schema: UserEnvelope } }, { limited: LIMITED }) } },
    async (request, reply) => {
      const user = await accounts.signUp(request.body, clientOf(request));
      reply.code(201).header('cache-control', NO_STORE);
      return { user: toUserJson(user) };
    },
  );

  app.post(
    '/auth/login',
    {
      config: { access: 'public' },
      schema: { tags, operationId: 'signIn', summary: 'Exchange email and password for an access token', body: LoginBody, response: responses({ 200: { description: 'A bearer token (never cached: `Cache-Control: no-store`)', schema: LoginResult } }, { limited: LIMITED }) },
    },
    async (request, reply) => {
      const signedIn = await accounts.signIn(request.body.email, request.body.password, clientOf(request));
      reply.header('cache-control', NO_STORE);
      return { accessToken: signedIn.accessToken, tokenType: signedIn.tokenType, expiresIn: signedIn.expiresIn, user: toUserJson(signedIn.user) };
    },
  );

  app.get(
    '/me',
    { config: { access: 'customer' }, schema: { tags, operationId: 'getMe', summary: 'The signed-in account', response: responses({ 200: { description: 'My account', schema: UserEnvelope } }) } },
    async (request) => ({ user: toUserJson(await accounts.me(principalOf(request))) }),
  );

  app.delete(
    '/me',
    {
      config: { access: 'customer' },
      schema: {
        tags,
        operationId: 'deleteMe',
        summary: 'Delete my account (the password again, not just the token)',
        description:
          'Removes the account from every store: credentials, profile, cart, friendships (both sides), reviews (each book\'s rating moves back), ' +
          'and, through the change feed, the social graph. Orders are kept for the shop\'s books, without the shipping address and under a ' +
          'pseudonym of their own, so they name no one. The account\'s tokens stop working at once. ' +
          '403 naming `password` when the password is wrong (counted by the sign-in limits: 429 when over them); 403 for an admin account, ' +
          'which cannot delete itself; 401 when the token is missing or invalid, or the account is already gone (deleting twice).',
        body: DeleteAccountBody,
        response: responses({ 204: { description: 'The account is gone; sign out' } }, { limited: LIMITED }),
      },
    },
    async (request, reply) => {
      await useCases.accountDeletion.deleteAccount(principalOf(request).userId, request.body.password, clientOf(request));
      return reply.code(204).send(null);
    },
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
