import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AuthenticationError, ForbiddenError } from '../domain/errors.js';
import type { Principal } from '../domain/user.js';
import type { UseCases } from '../app/index.js';
import { isGuestToken } from '../domain/guest-cart.js';
import './types.js';

const BEARER_SECURITY = [{ bearerAuth: [] as string[] }];
/** The header a guest cart's token travels in: not a cookie, so no request a page forges can carry it. */
export const GUEST_CART_HEADER = 'guest-cart';

function guestCartToken(header: string | string[] | undefined): string {
  if (typeof header !== 'string' || !isGuestToken(header.trim())) {
    throw new AuthenticationError('send the guest cart\'s token in the Guest-Cart header (POST /api/v1/guest-cart issues one)');
  }
  return header.trim();
}

function bearerToken(header: string | undefined): string | null {
  if (header === undefined) return null;
  const match = /^Bearer[ ]+([A-Za-z0-9._~+/-]+=*)$/i.exec(header.trim());
  if (!match) throw new AuthenticationError('the Authorization header must be "Bearer <access token>"');
  return match[1]!;
}

/**
 * Authorization is declared on every API route (`config.access`) and enforced here, before the body
 * is read, so an anonymous caller cannot make the server parse or validate anything of a protected route.
 */
export function installAccessControl(app: FastifyInstance, accounts: UseCases['accounts']): void {
  app.decorateRequest('principal', null);
  app.decorateRequest('guestCartToken', null);

  app.addHook('onRoute', (route) => {
    const access = route.config?.access;
    if (route.url.startsWith('/api/') && access === undefined) {
      throw new Error(`route ${String(route.method)} ${route.url} must declare config.access`);
    }
    if (access === 'customer' || access === 'admin' || access === 'optional') {
      route.schema = { ...route.schema, security: access === 'optional' ? [{}, ...BEARER_SECURITY] : BEARER_SECURITY };
    }
    if (route.config?.guestCart === true) {
      // A guest route needs the token alone; a customer route that takes a guest cart needs both.
      route.schema = { ...route.schema, security: [{ ...(access === 'customer' ? BEARER_SECURITY[0] : {}), guestCart: [] as string[] }] };
    }
  });

  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config.access ?? 'public';
    if (request.routeOptions.config.guestCart === true) request.guestCartToken = guestCartToken(request.headers[GUEST_CART_HEADER]);
    if (access === 'public') return;
    const token = bearerToken(request.headers.authorization);
    if (token === null) {
      if (access === 'optional') return;
      throw new AuthenticationError('sign in first: send "Authorization: Bearer <access token>"');
    }
    request.principal = await accounts.authenticate(token);
    if (access === 'admin' && request.principal.role !== 'admin') throw new ForbiddenError('this needs an admin account');
  });
}

/** The guest cart token of a `guestCart` route (the access hook guarantees one). */
export function guestTokenOf(request: FastifyRequest): string {
  if (request.guestCartToken === null) throw new AuthenticationError('send the guest cart\'s token in the Guest-Cart header');
  return request.guestCartToken;
}

/** The caller of a `customer` or `admin` route (the access hook guarantees one). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new AuthenticationError('sign in first');
  return request.principal;
}
