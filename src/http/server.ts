import { TestPayments } from '../adapters/payments/test-payments.js';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Store } from '../composition.js';
import type { Config } from '../config.js';
import { createUseCases, type UseCases } from '../app/index.js';
import { NotFoundError } from '../domain/errors.js';
import type { ProjectionControl, ProjectionState, ProjectionStatus } from '../ports/projection-control.js';
import { installAccessControl } from './access.js';
import { installOpenApi } from './openapi.js';
import { registerComponents } from './components.js';
import { clientErrors, frameworkErrors, HttpProblem, installProblemHandling } from './problem.js';
import { checkContentEncoding, checkUrl, installJsonParser } from './request-guards.js';
import { RouteMethods } from './route-methods.js';
import { installCompression } from './compression.js';
import { installSecurityHeaders } from './security-headers.js';
import { installServerTiming } from './server-timing.js';
import { appFallback, installWebApp, resolveWebRoot, type AppPages } from './web-app.js';
import { validatorCompiler } from './validation.js';
import { authRoutes, jwksRoute } from './auth/routes.js';
import { bookRoutes } from './books/routes.js';
import { searchRoutes } from './search/routes.js';
import { cartRoutes } from './cart/routes.js';
import { guestCartRoutes } from './guest-cart/routes.js';
import { orderRoutes } from './orders/routes.js';
import { bestsellerRoutes } from './bestsellers/routes.js';
import { recommendationRoutes } from './recommendations/routes.js';
import { friendRoutes } from './friends/routes.js';
import { reviewRoutes } from './reviews/routes.js';
import { userRoutes } from './users/routes.js';
import { adminRoutes, healthRoutes } from './operations/routes.js';
import { discoveryRoutes } from './discovery/routes.js';
import type { App } from './types.js';

/** Adds a metrics route for the runtime that scrapes one (Prometheus for `serve`). */
export type MetricsRoute = (app: FastifyInstance, projectionStatus: () => Promise<Array<ProjectionStatus & { state: ProjectionState }>>) => void;

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Credentials never reach the log, whatever object carries them. */
const REDACT = {
  paths: [
    'req.headers.authorization',
    'req.headers.cookie',
    'res.headers["set-cookie"]',
    'password',
    '*.password',
    '*.*.password',
    'accessToken',
    '*.accessToken',
  ],
  censor: '[redacted]',
};

export interface ServerOptions {
  /** A pino logger to use as is, pino options, or true/false; defaults to pino at the configured level. */
  logger?: boolean | object;
  /** The built web app to serve at `/`: a folder, null for none; defaults to the package's dist/web when built. */
  webRoot?: string | null;
  /**
   * Installs `/metrics` (`serve`: prometheusMetricsRoute over the store's PrometheusMetrics registry).
   * Left out, as on Lambda where CloudWatch gets EMF instead, there is no such route, and the Lambda
   * bundle carries no Prometheus client.
   */
  metricsRoute?: MetricsRoute;
  /** What the admin routes drive; defaults to the store's runner (rebuilds in this process). On Lambda: the rebuild function. */
  projections?: ProjectionControl;
}

function isLoggerInstance(logger: unknown): logger is FastifyBaseLogger {
  return typeof logger === 'object' && logger !== null && typeof (logger as { child?: unknown }).child === 'function';
}

/** A logger passed in is used unchanged (the CLI configures its own redaction); options get ours added. */
function loggerOptions(config: Config, logger: ServerOptions['logger']): Pick<FastifyServerOptions, 'logger'> & { loggerInstance?: FastifyBaseLogger } {
  if (isLoggerInstance(logger)) return { loggerInstance: logger };
  if (logger === false) return { logger: false };
  const base = { level: config.logLevel, redact: REDACT };
  return { logger: typeof logger === 'object' ? { ...base, ...logger, redact: REDACT } : base };
}

function requestId(raw: IncomingMessage): string {
  const incoming = raw.headers['x-request-id'];
  return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

/** What the web app's fallback asks before it calls an address a page. */
function appPages(useCases: UseCases): AppPages {
  return {
    bookExists: (id) =>
      useCases.catalog.get(id).then(
        () => true,
        (error: unknown) => {
          if (error instanceof NotFoundError) return false;
          throw error;
        },
      ),
    categoryExists: async (name) => (await useCases.catalog.categories()).some((c) => c.name === name),
  };
}

/**
 * Builds the HTTP API over a store, ready to listen (the caller listens). Every API route declares
 * who may call it, validates its input against a strict schema, and fails with problem+json.
 */
export async function buildServer(store: Store, options: ServerOptions = {}): Promise<FastifyInstance> {
  const { config } = store;
  const webRoot = resolveWebRoot(options.webRoot);
  const app: App = Fastify({
    ...loggerOptions(config, options.logger),
    bodyLimit: config.bodyLimitBytes,
    routerOptions: { maxParamLength: 200 },
    genReqId: requestId,
    requestIdHeader: false,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    frameworkErrors: frameworkErrors(webRoot !== null),
    clientErrorHandler: clientErrors(webRoot !== null),
  }).withTypeProvider<TypeBoxTypeProvider>();

  // The test provider is the only one so far; a real provider is chosen here, from the config.
  const useCases = createUseCases({ ...store, attemptLimits: config.attemptLimits, guestCartTtlSeconds: config.guestCartTtlSeconds, payments: new TestPayments(), projections: options.projections ?? store.projections });
  const routeMethods = new RouteMethods();
  routeMethods.install(app);

  app.setValidatorCompiler(validatorCompiler);
  registerComponents(app);
  // Only JSON bodies: a text/plain body is 415, not a string that fails validation later.
  app.removeContentTypeParser('text/plain');
  installJsonParser(app);
  installProblemHandling(app, { notFoundFallback: webRoot === null ? null : appFallback(appPages(useCases)), routeMethods });
  installServerTiming(app);

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    checkUrl(request.raw.url ?? '/');
    if (!routeMethods.isAnswered(request.method)) {
      const allow = routeMethods.allowedOn(request.url.split('?')[0]!).join(', ');
      throw new HttpProblem(405, 'method-not-allowed', `${request.method} is not answered here`, { allow });
    }
    checkContentEncoding(request);
  });
  installSecurityHeaders(app, webRoot !== null);
  installCompression(app);
  installAccessControl(app, useCases.accounts);
  await installOpenApi(app);

  if (webRoot !== null) await installWebApp(app, webRoot);

  options.metricsRoute?.(app, () => useCases.operations.projectionStatus());
  healthRoutes(app, useCases);
  jwksRoute(app, useCases);
  discoveryRoutes(app, useCases, config);
  await app.register(
    async (api) => {
      const typed = api.withTypeProvider<TypeBoxTypeProvider>();
      authRoutes(typed, useCases);
      bookRoutes(typed, useCases);
      searchRoutes(typed, useCases);
      cartRoutes(typed, useCases);
      guestCartRoutes(typed, useCases);
      orderRoutes(typed, useCases);
      bestsellerRoutes(typed, useCases);
      recommendationRoutes(typed, useCases);
      friendRoutes(typed, useCases);
      reviewRoutes(typed, useCases);
      userRoutes(typed, useCases);
      adminRoutes(typed, useCases);
    },
    { prefix: '/api/v1' },
  );
  await app.ready();
  return app;
}
