import { existsSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';

/** Where `npm run build` puts the storefront, from the package root (src/http and dist/http alike). */
export const DEFAULT_WEB_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../dist/web');

/** Paths that belong to the API and its tools: they never fall back to the app. */
const SERVER_PREFIXES = ['/api/', '/.well-known/', '/docs', '/healthz', '/readyz', '/metrics'];

/** Vite names every file under assets/ by its content hash: a changed file gets a new name. */
const HASHED_ASSET_CACHE = 'public, max-age=31536000, immutable';
/** index.html (and the few unhashed files) must be revalidated, or a deploy would never reach browsers. */
const REVALIDATE = 'no-cache';

export function isServerPath(path: string): boolean {
  return SERVER_PREFIXES.some((prefix) => path === prefix.replace(/\/$/, '') || path.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`));
}

/** The web app's folder when it has been built, otherwise null (the API runs without it). */
export function resolveWebRoot(webRoot: string | null | undefined): string | null {
  const root = webRoot === undefined ? DEFAULT_WEB_ROOT : webRoot;
  return root !== null && existsSync(join(root, 'index.html')) ? root : null;
}

function acceptsHtml(request: FastifyRequest): boolean {
  return (request.headers.accept ?? '').includes('text/html');
}

/**
 * For client-side routes (`/books/123`, `/search?q=…`): a browser asking for a page that is not a
 * file gets index.html, and the app's router shows the page. Returns null for anything else.
 */
export function appFallback(request: FastifyRequest, reply: FastifyReply): FastifyReply | null {
  if (request.method !== 'GET' && request.method !== 'HEAD') return null;
  const path = request.url.split('?')[0] ?? '/';
  if (isServerPath(path) || !acceptsHtml(request)) return null;
  return reply.code(200).sendFile('index.html');
}

/** Serves the built storefront at `/` next to the API, from the same process. */
export async function installWebApp(app: FastifyInstance, root: string): Promise<void> {
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    // Files are looked up per request, so a rebuild while the server runs is served at once;
    // a path that is no file falls through to the not-found handler (and appFallback).
    wildcard: true,
    dotfiles: 'ignore',
    preCompressed: true,
    cacheControl: false,
    setHeaders(res, filePath) {
      res.setHeader('cache-control', filePath.includes(`${sep}assets${sep}`) ? HASHED_ASSET_CACHE : REVALIDATE);
      // The build ships .br and .gz twins: a cache must not hand one to a browser that did not ask for it.
      res.setHeader('vary', 'accept-encoding');
    },
  });
}
