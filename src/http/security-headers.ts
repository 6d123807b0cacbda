import type { FastifyInstance } from 'fastify';
import { API_CSP, APP_CSP, DOCS_CSP } from './content-security-policies.js';
import { isServerPath } from './web-app.js';

export const DOCS_PREFIX = '/docs';

/** `serveApp`: the web app is served at `/`, so paths outside the API's get the app's policy. */
export function installSecurityHeaders(app: FastifyInstance, serveApp = false): void {
  app.addHook('onSend', async (request, reply, payload) => {
    const path = request.url.split('?')[0]!;
    const isDocs = path === DOCS_PREFIX || path.startsWith(`${DOCS_PREFIX}/`);
    // Decided by path, not content type: a 304 revalidating index.html carries no content type, and
    // the browser would apply whatever policy it carries to the cached page.
    const isAppPage = serveApp && !isDocs && !isServerPath(path);
    reply.header('content-security-policy', isDocs ? DOCS_CSP : isAppPage ? APP_CSP : API_CSP);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    reply.header('cross-origin-resource-policy', 'same-origin');
    // Answers to a signed-in caller are theirs alone: no shared cache may keep them.
    if (request.principal) reply.header('cache-control', 'private, no-store');
    return payload;
  });
}
