import { mkdirSync, writeFileSync } from 'node:fs';
import { get, type IncomingMessage } from 'node:http';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp-dir.js';
import { expectProblem, startApi, type ApiHarness } from './harness.js';

const INDEX = '<!doctype html><html><head><script type="module" src="/assets/index-3f2a1b.js"></script></head><body><div id="root"></div></body></html>';
const HTML = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

describe('web app next to the API', () => {
  const dist = tempDir('bookstore-web-');
  let api: ApiHarness;

  beforeAll(async () => {
    mkdirSync(join(dist.path, 'assets'));
    writeFileSync(join(dist.path, 'index.html'), INDEX);
    writeFileSync(join(dist.path, 'assets', 'index-3f2a1b.js'), 'console.log("app");');
    writeFileSync(join(dist.path, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    writeFileSync(join(dist.path, 'assets', 'index-3f2a1b.js.gz'), gzipSync('console.log("app");'));
    api = await startApi({ webRoot: dist.path });
  });
  afterAll(async () => {
    await api.close();
    dist.remove();
  });

  it('serves the app at / with a CSP that lets it run its own scripts only, revalidated on every visit', async () => {
    const res = await api.request('GET', '/', { headers: HTML });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.body).toBe(INDEX);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('answers client-side routes a browser opens with index.html', async () => {
    const admin = await api.admin();
    const book = await api.createBook(admin, { category: 'Travel' });
    const pages = ['/', `/books/${book.id}`, '/search?q=hobbit&sort=rating', `/admin/books/${book.id}/edit`, '/category/Travel', '/cart', `/orders/${book.id}`];
    for (const path of pages) {
      const res = await api.request('GET', path, { headers: HTML });
      expect(res.status, path).toBe(200);
      expect(res.body, path).toBe(INDEX);
      expect(res.headers.get('cache-control'), path).toBe('no-cache');
      expect(res.headers.get('content-security-policy'), path).toContain("script-src 'self'");
    }
  });

  it('answers an address with nothing behind it with the app (its not-found page) and a real 404', async () => {
    const missing = ['/books/01abc', '/books/0000000000000000000000000a', '/admin/books/x/edit', '/category/No%20Such%20Shelf', '/orders/not-an-id', '/no/such/page'];
    for (const path of missing) {
      const res = await api.request('GET', path, { headers: HTML });
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type'), path).toContain('text/html');
      expect(res.body, path).toBe(INDEX);
      expect(res.headers.get('content-security-policy'), path).toContain("script-src 'self'");
    }
  });

  it('keeps the app policy when a browser revalidates the page and gets 304', async () => {
    const first = await api.request('GET', '/', { headers: HTML });
    const etag = first.headers.get('etag');
    expect(etag).toBeTruthy();
    // node:http, not fetch: fetch turns a conditional request into a `Cache-Control: no-cache` one.
    const again = await new Promise<IncomingMessage>((resolve, reject) => {
      get(`${api.baseUrl}/`, { headers: { ...HTML, 'if-none-match': etag! } }, resolve).on('error', reject);
    });
    again.resume();
    expect(again.statusCode).toBe(304);
    expect(again.headers['content-security-policy']).toContain("script-src 'self'");
  });

  it('caches content-hashed assets for a year and other files not at all', async () => {
    const asset = await api.request('GET', '/assets/index-3f2a1b.js');
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toContain('javascript');
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const icon = await api.request('GET', '/favicon.svg');
    expect(icon.status).toBe(200);
    expect(icon.headers.get('cache-control')).toBe('no-cache');
  });

  it('sends the build’s precompressed twin to browsers that accept it', async () => {
    const zipped = await api.request('GET', '/assets/index-3f2a1b.js', { headers: { 'accept-encoding': 'gzip' } });
    expect(zipped.headers.get('content-encoding')).toBe('gzip');
    expect(zipped.body).toBe('console.log("app");');
    expect(zipped.headers.get('vary')).toMatch(/accept-encoding/i);
    const plain = await api.request('GET', '/assets/index-3f2a1b.js', { headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(plain.body).toBe('console.log("app");');
  });

  it('serves files a rebuild adds while the server runs', async () => {
    writeFileSync(join(dist.path, 'assets', 'page-9c8d7e.js'), 'export default 1;');
    const res = await api.request('GET', '/assets/page-9c8d7e.js');
    expect(res.status).toBe(200);
    expect(res.body).toBe('export default 1;');
  });

  it('keeps the API’s 404 problem for unknown API paths, even for a browser', async () => {
    for (const path of ['/api/v1/nope', '/api/v2/books', '/.well-known/nothing', '/metrics/more']) {
      const res = await api.request('GET', path, { headers: HTML });
      const problem = expectProblem(res, 404);
      expect(problem.instance).toBe(path);
      expect(res.headers.get('content-security-policy'), path).toContain("default-src 'none'");
    }
  });

  it('answers 404 problems, not the page, to requests that are not a browser opening a page', async () => {
    expectProblem(await api.request('GET', '/assets/missing-123.js', { headers: { accept: '*/*' } }), 404);
    expectProblem(await api.request('GET', '/books/01abc', { headers: { accept: 'application/json' } }), 404);
    expectProblem(await api.request('POST', '/books/01abc', { headers: HTML, body: {} }), 404);
  });

  it('still serves the API with its own policy', async () => {
    const res = await api.request('GET', '/api/v1/categories', { headers: HTML });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ categories: [{ name: 'Travel', count: 1 }] });
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(res.headers.get('server-timing')).toMatch(/^app;dur=\d+(\.\d+)?$/);
  });

  it('serves no app when none is built: / is a 404 problem', async () => {
    const bare = await startApi({ webRoot: join(dist.path, 'not-built') });
    try {
      expectProblem(await bare.request('GET', '/', { headers: HTML }), 404);
      expectProblem(await bare.request('GET', '/books/01abc', { headers: HTML }), 404);
    } finally {
      await bare.close();
    }
  });
});
