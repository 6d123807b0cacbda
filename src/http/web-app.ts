import { existsSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';
import { ID_PATTERN } from '../domain/ids.js';
import type { NotFoundFallback } from './problem.js';

/** Where `npm run build` puts the storefront, from the package root (src/http and dist/http alike). */
export const DEFAULT_WEB_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../dist/web');

/** Paths that belong to the API and its tools: they never fall back to the app. */
const SERVER_PREFIXES = ['/api/', '/.well-known/', '/docs', '/healthz', '/readyz', '/metrics', '/robots.txt', '/sitemap.xml'];

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

/** What the server must know to tell a page that exists from one that does not. */
export interface AppPages {
  bookExists(id: string): Promise<boolean>;
  categoryExists(name: string): Promise<boolean>;
}

/**
 * The web app's pages (web/src/app/App.tsx keeps the same list), each with what makes an address
 * real: a book page needs the book, a category page the category. Order pages belong to one
 * account, which a browser's navigation does not prove, so only a well-formed id is required there.
 */
const APP_PAGES: ReadonlyArray<{ pattern: RegExp; exists?: (match: RegExpExecArray, pages: AppPages) => Promise<boolean> }> = [
  { pattern: /^\/$/ },
  { pattern: /^\/search$/ },
  { pattern: /^\/category\/([^/]+)$/, exists: (m, pages) => pages.categoryExists(decodeURIComponent(m[1]!)) },
  { pattern: /^\/books\/([^/]+)$/, exists: (m, pages) => (ID_PATTERN.test(m[1]!) ? pages.bookExists(m[1]!) : Promise.resolve(false)) },
  { pattern: /^\/(signin|signup|cart|checkout|orders|friends|admin|admin\/books\/new)$/ },
  { pattern: /^\/admin\/orders$/ },
  { pattern: /^\/orders\/([^/]+)$/, exists: (m) => Promise.resolve(ID_PATTERN.test(m[1]!)) },
  { pattern: /^\/admin\/books\/([^/]+)\/edit$/, exists: (m, pages) => (ID_PATTERN.test(m[1]!) ? pages.bookExists(m[1]!) : Promise.resolve(false)) },
];

async function pageExists(path: string, pages: AppPages): Promise<boolean> {
  for (const page of APP_PAGES) {
    const match = page.pattern.exec(path);
    if (match) return page.exists ? page.exists(match, pages) : true;
  }
  return false;
}

/**
 * For client-side routes (`/books/123`, `/search?q=…`): a browser asking for a page that is not a
 * file gets index.html, and the app's router shows the page. An address with nothing behind it (an
 * unknown book, a path the app has no page for) gets the same index.html, whose router shows the
 * not-found page, but with status 404, so crawlers and link checkers see it is not a page.
 * Returns null for anything else (the API's own 404 problem).
 */
export function appFallback(pages: AppPages): NotFoundFallback {
  return async (request, reply) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return null;
    const path = request.url.split('?')[0] ?? '/';
    if (isServerPath(path) || !acceptsHtml(request)) return null;
    let found: boolean;
    try {
      found = await pageExists(path, pages);
    } catch (error) {
      // Malformed percent-encoding: no page has that address. A store that cannot answer is not a
      // reason to call a page missing: the app loads and shows its own error and retry.
      found = !(error instanceof URIError);
    }
    return reply.code(found ? 200 : 404).sendFile('index.html');
  };
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
