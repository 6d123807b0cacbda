import { request as httpRequest } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from './harness.js';

interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** Node's fetch decodes bodies on its own; this reads the bytes exactly as the server sent them. */
function raw(baseUrl: string, path: string, headers: Record<string, string>, method = 'GET'): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(new URL(path, baseUrl), { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('compressed answers', () => {
  let api: ApiHarness;

  beforeAll(async () => {
    api = await startApi();
    const admin = await api.admin();
    // Enough books that a listing is well over the size worth compressing.
    for (let i = 0; i < 12; i++) await api.createBook(admin, { title: `Compressible Volume ${i}`, description: 'A long description. '.repeat(20) });
  });
  afterAll(async () => {
    await api.close();
  });

  it('sends brotli to a client that prefers it, and the body decodes to the same JSON', async () => {
    const plain = await raw(api.baseUrl, '/api/v1/books?limit=12', {});
    const br = await raw(api.baseUrl, '/api/v1/books?limit=12', { 'accept-encoding': 'gzip, br' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(br.status).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['vary']).toMatch(/accept-encoding/i);
    expect(br.headers['x-content-type-options']).toBe('nosniff');
    expect(br.body.length).toBeLessThan(plain.body.length / 3);
    expect(JSON.parse(brotliDecompressSync(br.body).toString())).toEqual(JSON.parse(plain.body.toString()));
  });

  it('sends gzip when that is all the client takes, and nothing when it takes neither', async () => {
    const gz = await raw(api.baseUrl, '/api/v1/books?limit=12', { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(gz.body).toString()).items).toHaveLength(12);
    const identity = await raw(api.baseUrl, '/api/v1/books?limit=12', { 'accept-encoding': 'identity' });
    expect(identity.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(identity.body.toString()).items).toHaveLength(12);
  });

  it('compresses problem+json and the OpenAPI document too, but not answers too small to gain', async () => {
    const doc = await raw(api.baseUrl, '/docs/json', { 'accept-encoding': 'br' });
    expect(doc.status).toBe(200);
    expect(doc.headers['content-encoding']).toBe('br');
    expect(JSON.parse(brotliDecompressSync(doc.body).toString()).openapi).toMatch(/^3\./);
    const small = await raw(api.baseUrl, '/api/v1/books/does-not-exist', { 'accept-encoding': 'br' });
    expect(small.status).toBe(404);
    expect(small.headers['content-type']).toContain('application/problem+json');
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(small.body.toString()).status).toBe(404);
  });

  it('keeps a book ETag usable in If-Match when the answer was compressed', async () => {
    const list = JSON.parse((await raw(api.baseUrl, '/api/v1/books?limit=1', {})).body.toString());
    const id = list.items[0].id as string;
    const plain = await raw(api.baseUrl, `/api/v1/books/${id}`, {});
    const br = await raw(api.baseUrl, `/api/v1/books/${id}`, { 'accept-encoding': 'br' });
    expect(br.headers['etag']).toBe(plain.headers['etag']);
  });
});
