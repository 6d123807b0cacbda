import type { FastifyInstance } from 'fastify';
import { API_CSP, APP_CSP, DOCS_CSP } from './content-security-policies.js';
import { isServerPath } from './web-app.js';

export const DOCS_PREFIX = '/docs';

/**
 * The headers every answer carries, whoever writes it (a route, the error handler, or the router's
 * own error path, which runs no hooks). `serveApp`: the web app is served at `/`, so paths outside
 * the API's get the app's policy.
 */
export function securityHeaders(path: string, serveApp: boolean, signedIn: boolean): Record<string, string> {
  const isDocs = path === DOCS_PREFIX || path.startsWith(`${DOCS_PREFIX}/`);
  // Decided by path, not content type: a 304 revalidating index.html carries no content type, and
  // the browser would apply whatever policy it carries to the cached page.
  const isAppPage = serveApp && !isDocs && !isServerPath(path);
  return {
    'content-security-policy': isDocs ? DOCS_CSP : isAppPage ? APP_CSP : API_CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'cross-origin-resource-policy': 'same-origin',
    // Answers to a signed-in caller are theirs alone: no shared cache may keep them.
    ...(signedIn ? { 'cache-control': 'private, no-store' } : {}),
  };
}

export function installSecurityHeaders(app: FastifyInstance, serveApp = false): void {
  app.addHook('onSend', async (request, reply, payload) => {
    reply.headers(securityHeaders(request.url.split('?')[0]!, serveApp, request.principal !== null));
    return payload;
  });
}
