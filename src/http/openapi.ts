import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { DOCS_PREFIX } from './security-headers.js';

const OPENAPI_PATH = '/api/v1/openapi.json';

/**
 * Swagger UI serves its files from its own package directory, which a bundle (the Lambda functions,
 * infra/lib/compute) does not have: the bundle carries a copy in `static/` beside itself, the layout
 * @fastify/swagger-ui's README gives for bundlers. Elsewhere (src, dist) there is none.
 */
function bundledSwaggerUiDir(): string | undefined {
  // Not `new URL('./static', import.meta.url)`: the web tests run the server under happy-dom, whose
  // global URL is not one fileURLToPath accepts.
  const dir = join(dirname(fileURLToPath(import.meta.url)), 'static');
  return existsSync(join(dir, 'swagger-ui-bundle.js')) ? dir : undefined;
}

/**
 * Operations whose body may be left out (the route fills in its defaults before validation):
 * @fastify/swagger marks every declared body as required, so the document says otherwise here.
 */
const OPTIONAL_BODY_OPERATIONS = new Set(['runAudit']);

type OpenApiDocument = { paths?: Record<string, Record<string, { operationId?: string; requestBody?: { required?: boolean } }>> };

function withOptionalBodies(doc: OpenApiDocument): OpenApiDocument {
  for (const operations of Object.values(doc.paths ?? {})) {
    for (const operation of Object.values(operations)) {
      if (operation.requestBody && OPTIONAL_BODY_OPERATIONS.has(operation.operationId ?? '')) operation.requestBody.required = false;
    }
  }
  return doc;
}

/**
 * The OpenAPI document is generated from the route schemas (so it cannot drift from what the server
 * validates) and served at OPENAPI_PATH; Swagger UI serves its assets from this process at /docs.
 */
export async function installOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Bookstore API',
        version: '1.0.0',
        description:
          'Errors are RFC 9457 application/problem+json documents naming every bad field at once in `errors`: 400 when a request breaks ' +
          'this document (a type, a bound, a pattern), 422 when it follows the document but breaks a rule it cannot express (an ISBN ' +
          'check digit, an unknown currency, a cursor not returned by a previous page, minPrice above maxPrice). Prices are integers in ' +
          'minor units of their ISO 4217 currency (cents for USD, yen for JPY). Catalog writes need the ETag in If-Match (428 without, ' +
          '412 when stale); checkout needs an Idempotency-Key header. Cursors are opaque. Every answer carries X-Request-Id and the ' +
          'security headers documented on each response.',
      },
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          guestCart: { type: 'apiKey', in: 'header', name: 'Guest-Cart', description: 'The token POST /api/v1/guest-cart issued (43 base64url characters); the web app keeps it in localStorage' },
        },
      },
    },
    transformObject: (document) => withOptionalBodies(('openapiObject' in document ? document.openapiObject : document.swaggerObject) as OpenApiDocument) as object,
    // Shared schemas are published under their own names (Book, Problem…), not def-0, def-1….
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: DOCS_PREFIX, baseDir: bundledSwaggerUiDir() });

  app.get(OPENAPI_PATH, { config: { access: 'public' }, schema: { hide: true } }, async () => app.swagger());
}
