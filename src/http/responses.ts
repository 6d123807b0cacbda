import { Type, type Static, type TSchema } from 'typebox';
import { ProblemSchema } from './problem.js';

/**
 * A schema published once under `components/schemas/<id>` and referenced everywhere else, so the
 * OpenAPI document names each shape once. `definition` is registered with `app.addSchema`.
 */
export function component<T extends TSchema>(id: string, schema: T) {
  return { definition: { ...schema, $id: id }, ref: Type.Unsafe<Static<T>>(Type.Ref(id)) };
}

/**
 * A response field of one type or null, as a JSON Schema type list instead of a union: it accepts the
 * same values and the OpenAPI 3.0 document shows the same `nullable: true` (@fastify/swagger writes
 * both that way), but fast-json-stringify serializes a type list with a typeof check, where a union
 * (anyOf) runs an Ajv validator of each member on every value: per hit of every search. For response
 * schemas only: the request validator's strict mode refuses type lists.
 */
export function nullableField<T extends TSchema & { type: string }>(schema: T, annotations: { description?: string } = {}) {
  return Type.Unsafe<Static<T> | null>({ ...schema, ...annotations, type: [schema.type, 'null'] });
}

export const ProblemComponent = component('Problem', ProblemSchema);

/** Headers every answer carries (src/http/security-headers.ts and the request-id hook). */
const COMMON_HEADERS = {
  'x-request-id': { type: 'string', description: 'The X-Request-Id sent (1 to 64 of A-Z a-z 0-9 . _ -) or a new UUID; quote it when reporting a problem' },
  'content-security-policy': { type: 'string', description: "The API's answers may run, load or frame nothing" },
  'x-content-type-options': { type: 'string', enum: ['nosniff'] },
  'referrer-policy': { type: 'string', enum: ['no-referrer'] },
  'x-frame-options': { type: 'string', enum: ['DENY'] },
  'cross-origin-resource-policy': { type: 'string', enum: ['same-origin'] },
  'server-timing': { type: 'string', description: 'Time the server spent on the answer: `app;dur=<ms>`' },
} as const;

export const HEADERS = {
  etag: { type: 'string', description: 'Strong ETag of this version of the book, `"<id>.v<version>"`: send it back in If-Match to change the book' },
  location: { type: 'string', description: 'Where the created resource is' },
  cacheControl: { type: 'string', description: '`private, no-store` on every answer to a signed-in caller' },
  allow: { type: 'string', description: 'The methods this path answers (405)' },
  retryAfter: { type: 'string', description: 'Seconds to wait before trying again (429, 503)' },
  wwwAuthenticate: { type: 'string', description: '`Bearer realm="bookstore"` (401)' },
} as const;

interface Ok {
  description: string;
  /** The JSON body; absent for answers without one (204, 304). */
  schema?: TSchema;
  headers?: Record<string, object>;
}

const problemResponse = (description: string) => ({
  description,
  headers: {
    ...COMMON_HEADERS,
    'www-authenticate': HEADERS.wwwAuthenticate,
    'retry-after': HEADERS.retryAfter,
    allow: HEADERS.allow,
  },
  content: { 'application/problem+json': { schema: ProblemComponent.ref } },
});

/** A 429 of the attempt limits: always with Retry-After (src/app/attempt-limits.ts). */
function tooManyAttempts(description: string) {
  const problem = problemResponse(description);
  return { ...problem, headers: { ...problem.headers, 'retry-after': { type: 'string', pattern: '^[1-9][0-9]*$', description: 'Always sent: seconds until the window that refused this attempt ends' } } };
}

export interface ProblemsOptions {
  /** The route is under an attempt limit: its 429, with Retry-After, is documented on its own. */
  limited?: string;
}

/**
 * The responses of a route: its successes, described, plus the RFC 9457 problem documents every
 * route may answer with (served, and so documented, as application/problem+json).
 */
export function responses<T extends Record<number, Ok>>(ok: T, problems: ProblemsOptions = {}) {
  const out: Record<string, unknown> = {};
  for (const [status, r] of Object.entries(ok)) {
    const headers = { ...COMMON_HEADERS, 'cache-control': HEADERS.cacheControl, ...r.headers };
    out[status] = r.schema === undefined ? { description: r.description, type: 'null', headers } : { description: r.description, headers, content: { 'application/json': { schema: r.schema } } };
  }
  if (problems.limited !== undefined) out['429'] = tooManyAttempts(problems.limited);
  out['4xx'] = problemResponse('The request was refused: a problem document names each wrong field in `errors`');
  out['5xx'] = problemResponse('The server or a store it needs failed; nothing was changed unless the problem says so');
  // Typed as the success schemas alone, so the type provider checks what each handler returns.
  return out as { [K in keyof T]: T[K] extends { schema: infer S extends TSchema } ? S : ReturnType<typeof Type.Null> } & { '4xx': typeof ProblemComponent.ref; '5xx': typeof ProblemComponent.ref };
}
