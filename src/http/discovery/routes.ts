import type { FastifyRequest } from 'fastify';
import type { UseCases } from '../../app/index.js';
import type { Config } from '../../config.js';
import type { App } from '../types.js';

const tags = ['discovery'];

/** The sitemap protocol's limit for one file; a larger catalog lists its first books (see docs/api.md). */
export const SITEMAP_MAX_URLS = 50_000;
const CATALOG_PAGE = 1_000;
/** Crawlers read these at most a few times a day; an hour keeps a crawl from costing a catalog scan per hit. */
const PUBLIC_CACHE = 'public, max-age=3600';

/** Pages of one shopper: nothing a search engine should list. */
const PRIVATE_PAGES = ['/cart', '/checkout', '/orders', '/friends', '/admin', '/signin', '/signup'];

/** A Host header as RFC 9110 allows it (name or IPv4 or [IPv6], optional port); anything else is not echoed. */
const HOST = /^(?:[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;

function origin(config: Config, request: FastifyRequest): string {
  if (config.publicUrl !== null) return config.publicUrl;
  const host = request.headers.host;
  if (typeof host === 'string' && HOST.test(host)) return `${request.protocol}://${host}`;
  // The address this request reached, as a last resort (a Lambda invocation has no socket).
  const socket = request.raw.socket as { localAddress?: string; localPort?: number } | undefined;
  const address = socket?.localAddress ?? config.host;
  return `${request.protocol}://${address.includes(':') ? `[${address}]` : address}:${socket?.localPort ?? config.port}`;
}

function xmlEscape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[c]};`);
}

function urlEntry(loc: string, lastmod?: string): string {
  const modified = lastmod === undefined ? '' : `<lastmod>${lastmod.slice(0, 10)}</lastmod>`;
  return `<url><loc>${xmlEscape(loc)}</loc>${modified}</url>`;
}

/**
 * robots.txt and sitemap.xml: what a search engine needs to find every book page. The API stays
 * open to crawlers, because they render the app's pages and the pages read the API.
 */
export function discoveryRoutes(app: App, useCases: UseCases, config: Config): void {
  app.get(
    '/robots.txt',
    {
      config: { access: 'public' },
      schema: {
        tags,
        operationId: 'robots',
        summary: 'Which pages crawlers may visit, and where the sitemap is',
        response: { 200: { description: 'robots.txt (RFC 9309)', content: { 'text/plain': { schema: { type: 'string' } } } } },
      },
    },
    async (request, reply) => {
      reply.type('text/plain; charset=utf-8').header('cache-control', PUBLIC_CACHE);
      const lines = ['User-agent: *', ...PRIVATE_PAGES.map((p) => `Disallow: ${p}`), 'Allow: /', '', `Sitemap: ${origin(config, request)}/sitemap.xml`, ''];
      return lines.join('\n');
    },
  );

  app.get(
    '/sitemap.xml',
    {
      config: { access: 'public' },
      schema: {
        tags,
        operationId: 'sitemap',
        summary: 'The storefront pages a search engine should list: home, every category and book',
        description: `At most ${SITEMAP_MAX_URLS} addresses (the sitemap protocol's limit for one file): the home page, the categories, then books in catalog order.`,
        response: { 200: { description: 'A sitemap (sitemaps.org 0.9)', content: { 'application/xml': { schema: { type: 'string' } } } } },
      },
    },
    async (request, reply) => {
      const base = origin(config, request);
      const entries = [urlEntry(`${base}/`)];
      for (const category of await useCases.catalog.categories()) entries.push(urlEntry(`${base}/category/${encodeURIComponent(category.name)}`));
      let cursor: string | undefined;
      do {
        const page = await useCases.catalog.list({ cursor, limit: Math.min(CATALOG_PAGE, SITEMAP_MAX_URLS - entries.length) });
        for (const book of page.items) entries.push(urlEntry(`${base}/books/${encodeURIComponent(book.id)}`, book.updatedAt));
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined && entries.length < SITEMAP_MAX_URLS);
      reply.type('application/xml; charset=utf-8').header('cache-control', PUBLIC_CACHE);
      return `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${entries.join('\n')}\n</urlset>\n`;
    },
  );
}
