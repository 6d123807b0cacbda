import { get } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from './harness.js';

function locs(sitemap: string): string[] {
  return [...sitemap.matchAll(/<loc>([^<]*)<\/loc>/g)].map((m) => m[1]!);
}

describe('robots.txt and sitemap.xml', () => {
  let api: ApiHarness;
  let books: Array<{ id: string }>;

  beforeAll(async () => {
    api = await startApi();
    const admin = await api.admin();
    books = [await api.createBook(admin, { category: 'Food & Drink' }), await api.createBook(admin, { category: 'Travel' })];
  });
  afterAll(async () => {
    await api.close();
  });

  it('robots.txt keeps crawlers out of shoppers’ own pages and points at the sitemap by absolute URL', async () => {
    const res = await api.request('GET', '/robots.txt');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('public, max-age=3600');
    const lines = String(res.body).split('\n');
    expect(lines[0]).toBe('User-agent: *');
    for (const page of ['/cart', '/checkout', '/orders', '/admin']) expect(lines).toContain(`Disallow: ${page}`);
    // Crawlers render the app, and the app reads the API: it must stay open to them.
    expect(lines.some((l) => l.startsWith('Disallow: /api'))).toBe(false);
    expect(lines).toContain(`Sitemap: ${api.baseUrl}/sitemap.xml`);
  });

  it('sitemap.xml lists the home page, each category (escaped) and each book page, with when it changed', async () => {
    const res = await api.request('GET', '/sitemap.xml');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/xml; charset=utf-8');
    const xml = String(res.body);
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    expect(xml).toContain('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">');
    const urls = locs(xml);
    expect(urls).toContain(`${api.baseUrl}/`);
    expect(urls).toContain(`${api.baseUrl}/category/Food%20%26%20Drink`);
    expect(urls).toContain(`${api.baseUrl}/category/Travel`);
    for (const book of books) expect(urls).toContain(`${api.baseUrl}/books/${book.id}`);
    expect(urls).toHaveLength(5);
    expect(xml.match(/<lastmod>\d{4}-\d{2}-\d{2}<\/lastmod>/g)).toHaveLength(2);
  });

  it('never echoes a malformed Host header into the URLs', async () => {
    // node:http, because fetch sets Host itself.
    const body = await new Promise<string>((resolve, reject) => {
      const url = new URL('/robots.txt', api.baseUrl);
      get({ host: url.hostname, port: url.port, path: url.pathname, headers: { host: 'evil.example"><script>' } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve(text));
      }).on('error', reject);
    });
    expect(body).not.toContain('evil');
    expect(body).toContain(`Sitemap: ${api.baseUrl}/sitemap.xml`);
  });
});

describe('robots.txt and sitemap.xml behind a public address', () => {
  let api: ApiHarness;

  beforeAll(async () => {
    api = await startApi({ env: { BOOKSTORE_PUBLIC_URL: 'https://books.example.com' } });
  });
  afterAll(async () => {
    await api.close();
  });

  it('use the configured origin whatever Host the request came with', async () => {
    const robots = await api.request('GET', '/robots.txt');
    expect(String(robots.body)).toContain('Sitemap: https://books.example.com/sitemap.xml');
    const sitemap = await api.request('GET', '/sitemap.xml');
    expect(locs(String(sitemap.body))).toEqual(['https://books.example.com/']);
  });
});
