import type { FastifyInstance } from 'fastify';

/** The API only ever returns data: nothing may run, load or frame it. */
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** Swagger UI loads its own scripts, styles and images from this server, and calls the API. */
const DOCS_CSP = [
  "default-src 'self'",
  "base-uri 'self'",
  "connect-src 'self'",
  "font-src 'self' data:",
  "img-src 'self' data:",
  "object-src 'none'",
  "script-src 'self'",
  "script-src-attr 'none'",
  "style-src 'self' 'unsafe-inline'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

export const DOCS_PREFIX = '/docs';

export function installSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    const path = request.url.split('?')[0]!;
    const isDocs = path === DOCS_PREFIX || path.startsWith(`${DOCS_PREFIX}/`);
    reply.header('content-security-policy', isDocs ? DOCS_CSP : API_CSP);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    reply.header('cross-origin-resource-policy', 'same-origin');
    // Answers to a signed-in caller are theirs alone: no shared cache may keep them.
    if (request.principal) reply.header('cache-control', 'private, no-store');
    return payload;
  });
}
