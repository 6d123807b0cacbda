import { describe, expect, it } from 'vitest';
import { neptuneHandshakeHeaders } from '../../src/adapters/aws/sigv4.js';

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
