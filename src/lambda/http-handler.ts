import awsLambdaFastify, { type LambdaFastifyOptions, type LambdaResponse } from '@fastify/aws-lambda';
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../config.js';
import { openStore, type Store, type StoreOptions } from '../composition.js';
import { LambdaProjectionControl } from '../adapters/lambda/lambda-projection-control.js';
import { buildServer, type ServerOptions } from '../http/server.js';
import { ORIGIN_SECRET_VARIABLE, originGuard, refusedAnswer } from './cloudfront-origin.js';
import type { ProjectionControl } from '../ports/projection-control.js';
import { lambdaMetrics, publishingMetrics, type InvocationMetrics } from './metrics.js';
import { syncStdout } from './stdout.js';

/** API Gateway REST API (payload 1.0) and HTTP API (payload 2.0) proxy events. */
export type HttpEvent = APIGatewayProxyEvent | APIGatewayProxyEventV2;
export type HttpResult = LambdaResponse;

export interface HttpHandler {
  (event: HttpEvent, context: Context): Promise<HttpResult>;
  /** Closes the app and the store; the next invocation opens them again. For tests and shutdown hooks. */
  close(): Promise<void>;
}

export interface HttpHandlerOptions {
  /**
   * As buildServer's `logger`. Left out, buildServer logs with pino at the configured level and its
   * own redaction list (serve's paths plus set-cookie and access tokens) to stdout, which Lambda
   * sends to CloudWatch, writing each line at once (`syncStdout`).
   */
  logger?: ServerOptions['logger'];
  /**
   * What the use cases record into, given to `open` for the store, published at the end of every
   * invocation. Defaults to CloudWatch EMF on stdout (src/lambda/metrics.ts).
   */
  metrics?: InvocationMetrics;
  /** What the admin routes drive, made from the opened store; left out, the store's runner (in process). */
  projections?: (store: Store) => ProjectionControl | undefined;
  /**
   * The secret CloudFront sends in X-Origin-Verify (BOOKSTORE_ORIGIN_VERIFY_SECRET when deployed).
   * Given, a request without it is refused with 403 and the client address is CloudFront's
   * `CloudFront-Viewer-Address`; left out, every request is served and the address is `sourceIp`.
   */
  originSecret?: string;
}

interface Running {
  store: Store;
  app: FastifyInstance;
  proxy: (event: HttpEvent, context: Context) => Promise<HttpResult>;
}

/** Bodies Lambda may return as text; anything else (Swagger UI's PNG icons) would be mangled unless base64. */
const TEXTUAL = /^(text\/|application\/([\w.-]+\+)?(json|javascript|xml)\b|image\/svg\+xml)/;

/** A new object per app: @fastify/aws-lambda writes its defaults into the options it is given. */
function proxyOptions(): LambdaFastifyOptions {
  return {
    // buildServer hands back an app that is already ready, and a decorator can only be added before.
    decorateRequest: false,
    enforceBase64: (response) => {
      const type = response.headers['content-type'];
      const encoding = response.headers['content-encoding'];
      return (typeof type === 'string' && !TEXTUAL.test(type)) || (encoding !== undefined && encoding !== 'identity');
    },
  };
}

function isHttpApiEvent(event: HttpEvent): event is APIGatewayProxyEventV2 {
  return 'rawPath' in event;
}

/**
 * HTTP API events carry the query string twice: raw, and as a map in which a repeated key's values
 * are joined by commas. @fastify/aws-lambda reads the map and splits every comma, so `?q=tolkien,hobbit`
 * would reach the search route as two values and be refused. Given the raw string instead, Fastify
 * parses it exactly as the HTTP server does (`?tag=a&tag=b` is still two values).
 */
function withRawQueryString(event: APIGatewayProxyEventV2): APIGatewayProxyEventV2 {
  if (event.rawQueryString === '') return event;
  return { ...event, rawPath: `${event.rawPath}?${event.rawQueryString}`, queryStringParameters: undefined };
}

/**
 * A Lambda handler for API Gateway over the same Fastify app `serve` runs. The store and the app
 * are opened once per container, on the first invocation, and reused by the next ones; if opening
 * fails the invocation fails and the next one tries again. Projections are never started here:
 * the stream handlers feed the derived stores. The web app is not served (S3 and CloudFront do).
 *
 * The metrics the invocation recorded are written as CloudWatch EMF when it ends, failed or not.
 *
 * The client address the per-address limits count by is API Gateway's `sourceIp`, which
 * @fastify/aws-lambda passes as the request's remote address; X-Forwarded-For is not trusted.
 * Behind CloudFront `sourceIp` is an edge server's address, so with `originSecret` a request must
 * carry CloudFront's secret header, and then its `CloudFront-Viewer-Address` becomes `sourceIp`
 * (src/lambda/cloudfront-origin.ts); the header cannot be forged around CloudFront without the secret.
 */
export function createHttpHandler(open: (options: StoreOptions) => Promise<Store>, options: HttpHandlerOptions = {}): HttpHandler {
  const metrics = options.metrics ?? lambdaMetrics();
  const guard = originGuard(options.originSecret);
  let running: Promise<Running> | null = null;

  async function start(): Promise<Running> {
    const store = await open({ metrics });
    try {
      const projections = options.projections?.(store);
      const app = await buildServer(store, {
        webRoot: null,
        logger: options.logger ?? syncStdout(),
        ...(projections ? { projections } : {}),
      });
      return { store, app, proxy: awsLambdaFastify<HttpEvent>(app, proxyOptions()) };
    } catch (error) {
      await store.close();
      throw error;
    }
  }

  function started(): Promise<Running> {
    if (running === null) {
      const starting = start();
      running = starting;
      // Forget a failed start so the next invocation retries instead of failing forever.
      starting.catch(() => {
        if (running === starting) running = null;
      });
    }
    return running;
  }

  const handler = (event: HttpEvent, context: Context): Promise<HttpResult> =>
    publishingMetrics(metrics, async () => {
      const guarded = guard(event);
      // Refused before the store opens: requests that bypass CloudFront cost no more than this.
      if (guarded.refused) return refusedAnswer(event);
      const { proxy } = await started();
      const passed = guarded.event;
      return proxy(isHttpApiEvent(passed) ? withRawQueryString(passed) : passed, context);
    });

  return Object.assign(handler, {
    async close() {
      const current = running;
      running = null;
      const opened = await current?.catch(() => null);
      if (!opened) return;
      await opened.app.close();
      await opened.store.close();
    },
  });
}

/**
 * Rebuilds asked for through the API go to the rebuild function when BOOKSTORE_REBUILD_FUNCTION names
 * one: the HTTP function records the job and answers 202 within API Gateway's 29 s, and the table's
 * stream starts the rebuild function on the job item (a container frozen after its answer could not
 * go on with a rebuild anyway).
 */
export function rebuildFunctionControl(store: Store): ProjectionControl | undefined {
  if (!store.config.engines?.rebuildFunction || !store.rebuilds) return undefined;
  return new LambdaProjectionControl({ checkpoints: store.projections, jobs: store.rebuilds });
}

/** The deployed entry point: configuration from the function's environment (BOOKSTORE_PROFILE and the rest). */
export const handler = createHttpHandler((storeOptions) => openStore(loadConfig(process.env), storeOptions), {
  projections: rebuildFunctionControl,
  ...originSecretFromEnvironment(),
});

/** Read once and taken out of process.env, so nothing that prints the environment later shows it. */
function originSecretFromEnvironment(): Pick<HttpHandlerOptions, 'originSecret'> {
  const secret = process.env[ORIGIN_SECRET_VARIABLE];
  delete process.env[ORIGIN_SECRET_VARIABLE];
  return secret === undefined ? {} : { originSecret: secret };
}
