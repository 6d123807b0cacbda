import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { elastiCacheAuthToken, neptuneHandshakeHeaders } from '../../src/adapters/aws/sigv4.js';

const credentials = async () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' });

describe('Neptune handshake signing', () => {
  it('signs GET of the endpoint for neptune-db in the region, over host, payload hash and date', async () => {
    const headers = await neptuneHandshakeHeaders('wss://db.cluster-abc.eu-west-1.neptune.amazonaws.com:8182/gremlin', 'eu-west-1', credentials);
    expect(headers.host).toBe('db.cluster-abc.eu-west-1.neptune.amazonaws.com:8182');
    expect(headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
    const day = headers['x-amz-date']!.slice(0, 8);
    expect(headers.authorization).toMatch(
      new RegExp(`^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/${day}/eu-west-1/neptune-db/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=[0-9a-f]{64}$`),
    );
  });

  it('sends the session token of temporary credentials, and the signature depends on the secret', async () => {
    const url = 'wss://db.example:8182/gremlin';
    const temporary = await neptuneHandshakeHeaders(url, 'us-east-1', async () => ({ ...(await credentials()), sessionToken: 'TOKEN' }));
    expect(temporary['x-amz-security-token']).toBe('TOKEN');
    const other = await neptuneHandshakeHeaders(url, 'us-east-1', async () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'another secret' }));
    const signature = (h: Record<string, string>) => h.authorization!.split('Signature=')[1];
    const same = await neptuneHandshakeHeaders(url, 'us-east-1', credentials);
    if (same['x-amz-date'] === other['x-amz-date']) expect(signature(other)).not.toBe(signature(same));
    expect(JSON.stringify(same)).not.toContain('wJalrXUtnFEMI');
  });
});

describe('ElastiCache IAM authentication token', () => {
  const at = new Date('2026-01-02T03:04:05Z');
  const request = { userId: 'bookstore-app', cacheName: 'bookstore-dev', serverless: true, region: 'eu-west-1' };
  const queryOf = (token: string) => new URLSearchParams(token.slice(token.indexOf('?') + 1));

  it('is the presigned GET of the cache for the user, without a scheme, valid 900 s from the signing time', async () => {
    const token = await elastiCacheAuthToken(request, credentials, at);
    expect(token.startsWith('bookstore-dev/?')).toBe(true);
    expect(token).not.toMatch(/^https?:/);
    const query = queryOf(token);
    expect(query.get('Action')).toBe('connect');
    expect(query.get('User')).toBe('bookstore-app');
    expect(query.get('ResourceType')).toBe('ServerlessCache');
    expect(query.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');
    expect(query.get('X-Amz-Credential')).toBe('AKIDEXAMPLE/20260102/eu-west-1/elasticache/aws4_request');
    expect(query.get('X-Amz-Date')).toBe('20260102T030405Z');
    expect(query.get('X-Amz-Expires')).toBe('900');
    expect(query.get('X-Amz-SignedHeaders')).toBe('host');
    expect(query.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(token).not.toContain('wJalrXUtnFEMI');
    // Signed the same way twice it is the same token; one second later it is another.
    expect(await elastiCacheAuthToken(request, credentials, at)).toBe(token);
    expect(await elastiCacheAuthToken(request, credentials, new Date(at.getTime() + 1000))).not.toBe(token);
  });

  it('carries a signature SigV4 derives from GET / with only the host signed', async () => {
    const token = await elastiCacheAuthToken(request, credentials, at);
    const query = queryOf(token);
    const signature = query.get('X-Amz-Signature');
    query.delete('X-Amz-Signature');
    const encode = (text: string) => encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
    const canonicalQuery = [...query.entries()].map(([k, v]) => `${encode(k)}=${encode(v)}`).sort().join('&');
    const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
    const canonicalRequest = ['GET', '/', canonicalQuery, 'host:bookstore-dev', '', 'host', sha256('')].join('\n');
    const scope = '20260102/eu-west-1/elasticache/aws4_request';
    const stringToSign = ['AWS4-HMAC-SHA256', '20260102T030405Z', scope, sha256(canonicalRequest)].join('\n');
    const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
    let key = hmac('AWS4wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', '20260102');
    for (const part of ['eu-west-1', 'elasticache', 'aws4_request']) key = hmac(key, part);
    expect(signature).toBe(createHmac('sha256', key).update(stringToSign).digest('hex'));
  });

  it('names a replication group without ResourceType, and carries the session token of temporary credentials', async () => {
    const token = await elastiCacheAuthToken({ ...request, cacheName: 'bookstore-prod', serverless: false }, async () => ({ ...(await credentials()), sessionToken: 'SESSION' }), at);
    expect(token.startsWith('bookstore-prod/?')).toBe(true);
    const query = queryOf(token);
    expect(query.has('ResourceType')).toBe(false);
    expect(query.get('X-Amz-Security-Token')).toBe('SESSION');
  });
});
