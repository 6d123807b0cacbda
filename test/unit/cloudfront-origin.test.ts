import { describe, expect, it } from 'vitest';
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2 } from 'aws-lambda';
import { originGuard, originSecretMatches, parseViewerAddress } from '../../src/lambda/cloudfront-origin.js';
import { httpApiEvent, restApiEvent } from '../lambda/events.js';

const SECRET = 'k'.repeat(20) + 'secret-of-this-deployment-0123456789';

describe('parseViewerAddress', () => {
  it('reads IPv4 and IPv6 addresses as CloudFront sends them, the port after the last colon', () => {
    expect(parseViewerAddress('198.51.100.10:46532')).toBe('198.51.100.10');
    expect(parseViewerAddress('2406:2d40:728d:fa10::c4a:42838')).toBe('2406:2d40:728d:fa10::c4a');
    expect(parseViewerAddress('2001:DB8::1:443')).toBe('2001:db8::1');
    expect(parseViewerAddress('[2001:db8::7]:443')).toBe('2001:db8::7');
  });

  it('refuses anything that is not an address and a port', () => {
    for (const value of [undefined, '', '198.51.100.10', '198.51.100.10:', ':443', 'example.com:443', '198.51.100.300:1', '198.51.100.10:123456', '198.51.100.10:44 ', 'x'.repeat(70) + ':1', '1.2.3.4, 5.6.7.8:9']) {
      expect(parseViewerAddress(value), String(value)).toBeNull();
    }
  });
});

describe('originSecretMatches', () => {
  it('accepts only the exact secret, whatever the length of a wrong one', () => {
    expect(originSecretMatches(SECRET, SECRET)).toBe(true);
    expect(originSecretMatches(SECRET, undefined)).toBe(false);
    expect(originSecretMatches(SECRET, '')).toBe(false);
    expect(originSecretMatches(SECRET, SECRET.slice(0, -1))).toBe(false);
    expect(originSecretMatches(SECRET, `${SECRET}x`)).toBe(false);
    expect(originSecretMatches(SECRET, SECRET.toUpperCase())).toBe(false);
  });
});

describe('originGuard', () => {
  const request = (headers: Record<string, string>) => ({ method: 'GET', path: '/api/v1/books', headers, sourceIp: '130.176.1.1' });

  it('passes events unchanged when no secret is configured, viewer header or not', () => {
    const event = httpApiEvent(request({ 'cloudfront-viewer-address': '198.51.100.7:5000' }));
    expect(originGuard(undefined)(event)).toEqual({ refused: false, event });
  });

  it('refuses a short secret at start rather than guarding with it', () => {
    expect(() => originGuard('short')).toThrow(/BOOKSTORE_ORIGIN_VERIFY_SECRET/);
  });

  it('refuses events without the secret, with a wrong one, or with two', () => {
    const guard = originGuard(SECRET);
    expect(guard(httpApiEvent(request({}))).refused).toBe(true);
    expect(guard(httpApiEvent(request({ 'x-origin-verify': 'guess' }))).refused).toBe(true);
    // HTTP API joins a repeated header with a comma.
    expect(guard(httpApiEvent(request({ 'x-origin-verify': `${SECRET},${SECRET}` }))).refused).toBe(true);
  });

  it('makes the viewer address the source address of an HTTP API event and drops the secret header', () => {
    const result = originGuard(SECRET)(httpApiEvent(request({ 'x-origin-verify': SECRET, 'cloudfront-viewer-address': '2001:db8::5:61000' })));
    expect(result.refused).toBe(false);
    const event = (result as { event: APIGatewayProxyEventV2 }).event;
    expect(event.requestContext.http.sourceIp).toBe('2001:db8::5');
    expect(event.headers['x-origin-verify']).toBeUndefined();
    expect(event.headers['cloudfront-viewer-address']).toBe('2001:db8::5:61000');
  });

  it('reads REST API headers in any case and rewrites identity.sourceIp', () => {
    const result = originGuard(SECRET)(restApiEvent(request({ 'X-Origin-Verify': SECRET, 'CloudFront-Viewer-Address': '198.51.100.9:443' })));
    expect(result.refused).toBe(false);
    const event = (result as { event: APIGatewayProxyEvent }).event;
    expect(event.requestContext.identity.sourceIp).toBe('198.51.100.9');
    expect(Object.keys(event.headers).map((k) => k.toLowerCase())).not.toContain('x-origin-verify');
    expect(Object.keys(event.multiValueHeaders).map((k) => k.toLowerCase())).not.toContain('x-origin-verify');
  });

  it('keeps sourceIp when the viewer header is missing or malformed', () => {
    const guard = originGuard(SECRET);
    const cases: Array<Record<string, string>> = [{ 'x-origin-verify': SECRET }, { 'x-origin-verify': SECRET, 'cloudfront-viewer-address': 'not-an-address' }];
    for (const headers of cases) {
      const result = guard(httpApiEvent(request(headers)));
      expect((result as { event: APIGatewayProxyEventV2 }).event.requestContext.http.sourceIp).toBe('130.176.1.1');
    }
  });
});
