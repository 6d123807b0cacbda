import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2 } from 'aws-lambda';
import { securityHeaders } from '../http/security-headers.js';
import { ORIGIN_SECRET_VARIABLE, ORIGIN_VERIFY_HEADER, VIEWER_ADDRESS_HEADER } from './origin-headers.js';

export { ORIGIN_SECRET_VARIABLE } from './origin-headers.js';

type HttpEvent = APIGatewayProxyEvent | APIGatewayProxyEventV2;

/** Short enough to guess would make the check decorative: the deployed secret has 64 characters. */
const MIN_SECRET_LENGTH = 32;

/**
 * The address in a `CloudFront-Viewer-Address` value: `198.51.100.10:46532`, or for IPv6 the
 * address without brackets followed by the port (`2001:db8::1:443`), so the port is whatever
 * follows the last colon. Brackets are accepted too. Null when the value is not an address and
 * port, so a malformed header never becomes a client identity.
 */
export function parseViewerAddress(value: string | undefined): string | null {
  if (value === undefined || value.length > 64) return null;
  const colon = value.lastIndexOf(':');
  if (colon <= 0 || !/^\d{1,5}$/.test(value.slice(colon + 1))) return null;
  let address = value.slice(0, colon);
  if (address.startsWith('[') && address.endsWith(']')) address = address.slice(1, -1);
  return isIP(address) === 0 ? null : address.toLowerCase();
}

/**
 * Whether `given` equals the secret, in time independent of where they differ: both are hashed
 * first, so neither the content nor the length of the secret leaks through timing.
 */
export function originSecretMatches(secret: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(secret), digest(given));
}

/** What the guard makes of an event: refused, or the event the app should see. */
export type Guarded = { refused: true } | { refused: false; event: HttpEvent };

/**
 * Checks that an event came through CloudFront (the origin secret) and, if so, makes the viewer's
 * address its source address, the one @fastify/aws-lambda gives Fastify as `request.ip` and the
 * per-address limits count. The secret header is removed from the event either way, so the app
 * never logs it. Without a secret configured, events pass unchanged: API Gateway's `sourceIp`.
 */
export function originGuard(secret: string | undefined): (event: HttpEvent) => Guarded {
  if (secret === undefined) return (event) => ({ refused: false, event });
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new Error(`${ORIGIN_SECRET_VARIABLE} must have at least ${MIN_SECRET_LENGTH} characters (the CDK app generates one); unset it to turn the origin check off`);
  }
  return (event) => {
    if (!originSecretMatches(secret, headerOf(event, ORIGIN_VERIFY_HEADER))) return { refused: true };
    const viewer = parseViewerAddress(headerOf(event, VIEWER_ADDRESS_HEADER));
    return { refused: false, event: withSourceIp(withoutHeader(event, ORIGIN_VERIFY_HEADER), viewer) };
  };
}

/** The answer to a request that did not come through CloudFront: RFC 9457, without opening the store. */
export function refusedAnswer(event: HttpEvent): { statusCode: number; headers: Record<string, string>; body: string; isBase64Encoded: boolean } {
  const path = 'rawPath' in event ? event.rawPath : event.path;
  const requestId = event.requestContext.requestId;
  return {
    statusCode: 403,
    headers: { ...securityHeaders(path, false, false), 'content-type': 'application/problem+json; charset=utf-8', 'cache-control': 'no-store' },
    body: JSON.stringify({
      type: 'urn:bookstore:problem:forbidden',
      title: 'Forbidden',
      status: 403,
      detail: 'this API answers only through the storefront\'s address (CloudFront), not on its own',
      instance: path,
      requestId,
    }),
    isBase64Encoded: false,
  };
}

/** HTTP API headers are lower-case; a REST API passes them as sent. A repeated header counts as missing. */
function headerOf(event: HttpEvent, header: string): string | undefined {
  const name = header.toLowerCase();
  const headers = event.headers ?? {};
  if (!('rawPath' in event)) {
    const multi = (event as APIGatewayProxyEvent).multiValueHeaders ?? {};
    const values = Object.entries(multi).filter(([key]) => key.toLowerCase() === name).flatMap(([, v]) => v ?? []);
    if (values.length > 1) return undefined;
  }
  const found = Object.entries(headers).filter(([key]) => key.toLowerCase() === name);
  if (found.length !== 1) return undefined;
  const value = found[0]![1];
  // HTTP API joins repeated headers with commas: two secrets (or two viewer addresses) are no answer.
  return value === undefined || value.includes(',') ? undefined : value;
}

function withoutHeader<E extends HttpEvent>(event: E, header: string): E {
  const name = header.toLowerCase();
  const drop = <V>(headers: Record<string, V> | null | undefined) => headers && Object.fromEntries(Object.entries(headers).filter(([key]) => key.toLowerCase() !== name));
  if ('rawPath' in event) return { ...event, headers: drop(event.headers) ?? {} };
  const rest = event as APIGatewayProxyEvent;
  return { ...event, headers: drop(rest.headers) ?? {}, multiValueHeaders: drop(rest.multiValueHeaders) ?? {} };
}

function withSourceIp<E extends HttpEvent>(event: E, address: string | null): E {
  if (address === null) return event;
  if ('rawPath' in event) {
    return { ...event, requestContext: { ...event.requestContext, http: { ...event.requestContext.http, sourceIp: address } } };
  }
  const rest = event as APIGatewayProxyEvent;
  return { ...event, requestContext: { ...rest.requestContext, identity: { ...rest.requestContext.identity, sourceIp: address } } };
}
