import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { Type } from 'typebox';
import {
  AuthenticationError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  PaymentDeclinedError,
  PreconditionFailedError,
  TooManyAttemptsError,
  UnavailableError,
  ValidationError,
  type FieldIssue,
} from '../domain/errors.js';
import { OutOfStockError, type Shortage } from '../domain/stock.js';
import type { RouteMethods } from './route-methods.js';
import { securityHeaders } from './security-headers.js';

const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** An HTTP-level failure that has no domain meaning (missing If-Match, URL too long, rate limited). */
export class HttpProblem extends Error {
  override readonly name = 'HttpProblem';
  constructor(
    readonly status: number,
    readonly slug: string,
    detail: string,
    readonly headers: Record<string, string> = {},
    readonly issues?: FieldIssue[],
  ) {
    super(detail);
  }
}

/** RFC 9457 problem details, plus `code` (conflicts), `errors` (bad fields) and the request id. */
interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  errors?: FieldIssue[];
  code?: string;
  shortages?: Shortage[];
  requestId: string;
}

export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    instance: Type.String(),
    errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), detail: Type.String() }, { additionalProperties: false }))),
    code: Type.Optional(Type.String({ description: 'Stable reason of a 409 conflict, such as cart-empty' })),
    shortages: Type.Optional(
      Type.Array(
        Type.Object({ bookId: Type.String(), title: Type.String(), requested: Type.Integer(), available: Type.Integer() }, { additionalProperties: false }),
        { description: 'A 409 `out-of-stock`: each book the order wants more copies of than are left' },
      ),
    ),
    requestId: Type.String(),
  },
  { additionalProperties: false, description: 'RFC 9457 problem details' },
);

const MAX_INSTANCE_LENGTH = 256;
/** The most field errors one problem lists. */
const MAX_ISSUES = 50;
const AUTHENTICATE = 'Bearer realm="bookstore"';
const RETRY_UNAVAILABLE_SECONDS = '5';

interface Mapped {
  status: number;
  slug: string;
  detail: string;
  issues?: FieldIssue[] | undefined;
  code?: string | undefined;
  shortages?: Shortage[] | undefined;
  headers?: Record<string, string>;
}

/** Turns an Ajv error path (`/authors/2`, JSON-pointer escaped) into our field names (`authors/2`). */
function fieldOf(instancePath: string, extra: unknown): string[] {
  const parts = instancePath
    .split('/')
    .filter((p) => p !== '')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (typeof extra === 'string') parts.push(extra);
  return parts;
}

/** One issue per field: the first is the most specific (a union also reports each failed branch). */
function schemaIssues(error: FastifyError): FieldIssue[] {
  const where = error.validationContext ?? 'body';
  const issues = (error.validation ?? []).map((v) => {
    const params = v.params as Record<string, unknown>;
    if (v.keyword === 'additionalProperties') {
      return { field: fieldOf(v.instancePath, params.additionalProperty).join('/'), detail: 'is not a known field' };
    }
    if (v.keyword === 'required') {
      return { field: fieldOf(v.instancePath, params.missingProperty).join('/'), detail: 'is required' };
    }
    return { field: fieldOf(v.instancePath, undefined).join('/') || where, detail: v.message ?? 'is invalid' };
  });
  // Header names are matched in lower case but named as sent: Idempotency-Key, If-Match.
  const named = where === 'headers' ? issues.map((i) => ({ ...i, field: i.field.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase()) })) : issues;
  const unique = named.filter((issue, i) => named.findIndex((other) => other.field === issue.field) === i);
  // Ajv reports every error (allErrors); a 64 KiB body of unknown keys must not become a 6,000-line answer.
  if (unique.length <= MAX_ISSUES) return unique;
  return [...unique.slice(0, MAX_ISSUES), { field: where, detail: `and ${unique.length - MAX_ISSUES} more errors` }];
}

function summarize(issues: FieldIssue[]): string {
  return issues.map((i) => `${i.field}: ${i.detail}`).join('; ');
}

function mapFastifyError(error: FastifyError): Mapped | null {
  if (error.validation) {
    const issues = schemaIssues(error);
    // A write without If-Match is 428 (RFC 6585), not a malformed request: the client must fetch the ETag first.
    if (error.validationContext === 'headers' && issues.length === 1 && issues[0]!.field === 'If-Match' && issues[0]!.detail === 'is required') {
      return { status: 428, slug: 'precondition-required', detail: 'send If-Match with the ETag of the book you are changing', issues: [{ field: 'If-Match', detail: 'is required' }] };
    }
    return { status: 400, slug: 'validation-error', detail: summarize(issues), issues };
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, slug: 'payload-too-large', detail: 'the request body is larger than this server accepts', issues: [{ field: 'body', detail: 'is too large' }] };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, slug: 'unsupported-media-type', detail: 'send the body as application/json', issues: [{ field: 'Content-Type', detail: 'must be application/json' }] };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { status: 400, slug: 'malformed-json', detail: 'the request body is not valid JSON', issues: [{ field: 'body', detail: 'is not valid JSON' }] };
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return { status: 414, slug: 'uri-too-long', detail: 'a path segment is longer than this server accepts', issues: [{ field: 'path', detail: 'is too long' }] };
    case 'FST_ERR_BAD_URL':
      return { status: 400, slug: 'bad-path', detail: 'the path is not valid percent-encoded UTF-8', issues: [{ field: 'path', detail: 'is not valid' }] };
  }
  const status = error.statusCode;
  // Fastify's own client errors (bad URL, bad content length) have safe, fixed messages.
  if (typeof status === 'number' && status >= 400 && status < 500 && error.code?.startsWith('FST_')) {
    return { status, slug: 'bad-request', detail: error.message };
  }
  // A plugin's client error (the static file server refusing a path): its status is kept, its
  // message is not, since it may name a file or echo the path.
  const pluginStatus = (error as { status?: unknown }).status ?? status;
  if (typeof pluginStatus === 'number' && pluginStatus >= 400 && pluginStatus < 500) {
    return pluginStatus === 404
      ? { status: 404, slug: 'not-found', detail: 'there is nothing at this path' }
      : { status: pluginStatus, slug: 'bad-path', detail: 'this path is not served', issues: [{ field: 'path', detail: 'is not valid' }] };
  }
  return null;
}

function mapError(error: unknown): Mapped | null {
  if (error instanceof HttpProblem) return { status: error.status, slug: error.slug, detail: error.message, headers: error.headers, issues: error.issues };
  // The request follows the published schema but breaks a rule it cannot express (a check digit, an unknown currency, a forged cursor).
  if (error instanceof ValidationError) return { status: 422, slug: 'unprocessable', detail: error.message, issues: error.issues };
  if (error instanceof NotFoundError) return { status: 404, slug: 'not-found', detail: error.message };
  if (error instanceof ConflictError) {
    const shortages = error instanceof OutOfStockError ? error.shortages : undefined;
    return { status: 409, slug: 'conflict', detail: error.message, code: error.code, shortages, issues: error.field ? [{ field: error.field, detail: error.message }] : undefined };
  }
  if (error instanceof PaymentDeclinedError) return { status: 402, slug: 'payment-declined', detail: error.message, issues: [{ field: 'payment/cardNumber', detail: error.message }] };
  if (error instanceof PreconditionFailedError) return { status: 412, slug: 'precondition-failed', detail: error.message };
  if (error instanceof AuthenticationError) return { status: 401, slug: 'unauthenticated', detail: error.message, headers: { 'www-authenticate': AUTHENTICATE } };
  if (error instanceof ForbiddenError) return { status: 403, slug: 'forbidden', detail: error.message, issues: error.field ? [{ field: error.field, detail: error.message }] : undefined };
  if (error instanceof TooManyAttemptsError) {
    return { status: 429, slug: 'too-many-requests', detail: error.message, headers: { 'retry-after': String(error.retryAfterSeconds) } };
  }
  if (error instanceof UnavailableError) {
    return { status: 503, slug: 'unavailable', detail: `${error.component} is unavailable; try again shortly`, headers: { 'retry-after': RETRY_UNAVAILABLE_SECONDS } };
  }
  if (error instanceof Error) return mapFastifyError(error as FastifyError);
  return null;
}

/** The path the problem is about, without the query, and bounded: a problem never echoes a long URL. */
function instanceOf(request: FastifyRequest): string {
  const path = request.url.split('?')[0] ?? request.url;
  return path.length <= MAX_INSTANCE_LENGTH ? path : `${path.slice(0, MAX_INSTANCE_LENGTH)}…`;
}

function problemBody(request: FastifyRequest, mapped: Mapped): Problem {
  return {
    type: `urn:bookstore:problem:${mapped.slug}`,
    title: STATUS_CODES[mapped.status] ?? 'Error',
    status: mapped.status,
    detail: mapped.detail,
    instance: instanceOf(request),
    ...(mapped.issues && mapped.issues.length > 0 ? { errors: mapped.issues } : {}),
    ...(mapped.code ? { code: mapped.code } : {}),
    ...(mapped.shortages ? { shortages: mapped.shortages } : {}),
    requestId: String(request.id),
  };
}

function sendProblem(request: FastifyRequest, reply: FastifyReply, mapped: Mapped): FastifyReply {
  for (const [name, value] of Object.entries(mapped.headers ?? {})) reply.header(name, value);
  return reply.code(mapped.status).type(PROBLEM_CONTENT_TYPE).send(problemBody(request, mapped));
}

/** Answers a request no route matched (the web app's client-side routes), or returns null to let it be a 404. */
export type NotFoundFallback = (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | null> | FastifyReply | null;

export interface ProblemHandlingOptions {
  notFoundFallback?: NotFoundFallback | null;
  /** The routes' methods, to answer 405 with `Allow` for a known path asked with another method. */
  routeMethods?: RouteMethods;
}

/**
 * The one place errors become HTTP answers. Unknown errors are logged with the request id and
 * answered with a generic 500 whose detail never carries the error's message.
 */
export function installProblemHandling(app: FastifyInstance, options: ProblemHandlingOptions = {}): void {
  app.setErrorHandler((error, request, reply) => {
    const mapped = mapError(error);
    if (mapped) {
      if (mapped.status >= 500) request.log.warn({ err: error }, 'request failed: dependency unavailable');
      return sendProblem(request, reply, mapped);
    }
    request.log.error({ err: error }, 'request failed: unexpected error');
    return sendProblem(request, reply, {
      status: 500,
      slug: 'internal-error',
      detail: 'an unexpected error occurred; quote the request id when reporting it',
    });
  });

  app.setNotFoundHandler(async (request, reply) => {
    const path = instanceOf(request);
    if (options.routeMethods?.isWrongMethod(request.method, path)) {
      const allow = options.routeMethods.allowedOn(path);
      return sendProblem(request, reply, {
        status: 405,
        slug: 'method-not-allowed',
        detail: allow.length > 0 ? `${path} answers ${allow.join(', ')}` : `${request.method} is not answered here`,
        headers: { allow: allow.join(', ') },
      });
    }
    return (await options.notFoundFallback?.(request, reply)) ?? sendProblem(request, reply, { status: 404, slug: 'not-found', detail: `no route for ${request.method} ${path}` });
  });
}

/**
 * The router's own failures (a path parameter too long, a path that is not valid percent-encoded
 * UTF-8) happen before any hook runs: this answers them as every other error, with the request id
 * and the security headers set by hand.
 */
export function frameworkErrors(serveApp: boolean): NonNullable<FastifyServerOptions['frameworkErrors']> {
  return (error, request, reply) => {
    reply.header('x-request-id', request.id);
    reply.headers(securityHeaders(instanceOf(request), serveApp, false));
    const mapped = mapError(error) ?? { status: 400, slug: 'bad-request', detail: 'the request could not be routed' };
    void sendProblem(request, reply, mapped);
  };
}

/**
 * Requests Node's HTTP parser refuses before Fastify sees them (headers over 16 KiB, a malformed
 * request line, a client too slow to send its headers): answered as a problem too, with the
 * security headers, on a connection that is then closed.
 */
export function clientErrors(serveApp: boolean): (error: Error & { code?: string }, socket: Duplex) => void {
  return (error, socket) => {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const [status, slug, detail] =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'headers-too-large', 'the request headers are larger than this server accepts (16 KiB)']
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? [408, 'request-timeout', 'the request did not arrive in time']
          : [400, 'bad-request', 'the request is not valid HTTP/1.1'];
    const requestId = randomUUID();
    const body = JSON.stringify({ type: `urn:bookstore:problem:${slug}`, title: STATUS_CODES[status], status, detail, instance: '/', requestId });
    const headers = { ...securityHeaders('/api/', serveApp, false), 'x-request-id': requestId, 'content-type': PROBLEM_CONTENT_TYPE, 'content-length': String(Buffer.byteLength(body)), connection: 'close' };
    if (socket.writable) {
      socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n${body}`);
    }
    socket.destroy(error);
  };
}
