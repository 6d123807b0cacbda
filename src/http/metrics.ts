import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { ProjectionState, ProjectionStatus } from '../ports/projection-control.js';
import type { MetricsRoute } from './server.js';

/** Route patterns, not raw URLs, label requests, so ids in paths cannot blow up the series count. */
const UNMATCHED_ROUTE = '(unmatched)';
const PROJECTION_STATES: readonly ProjectionState[] = ['caught-up', 'behind', 'failing', 'rebuilding', 'unknown'];

/**
 * Prometheus metrics in a registry of this server's own (tests run several servers in one process),
 * or the one given (where the store's PrometheusMetrics counts business events): request durations
 * per route and status, and each projection's lag read at scrape time.
 */
export function installMetrics(
  app: FastifyInstance,
  projectionStatus: () => Promise<Array<ProjectionStatus & { state: ProjectionState }>>,
  registry: Registry = new Registry(),
): void {
  collectDefaultMetrics({ register: registry });

  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to answer HTTP requests, by method, route pattern and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });

  new Gauge({
    name: 'bookstore_projection_lag_events',
    help: 'Committed change events a projection has not applied yet (at least 1 while it is failing)',
    labelNames: ['projection'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const s of await projectionStatus()) this.set({ projection: s.name }, s.lagEvents);
    },
  });

  new Gauge({
    name: 'bookstore_projection_lag_seconds',
    help: 'Age of the oldest change event a projection has not applied yet (0 when caught up)',
    labelNames: ['projection'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const s of await projectionStatus()) this.set({ projection: s.name }, s.lagMs / 1000);
    },
  });

  // One series per state, 1 for the state each projection is in: an alert on failing > 0 cannot be
  // fooled by a lag of 0, and caught_up is never 1 beside a failure.
  new Gauge({
    name: 'bookstore_projection_state',
    help: 'The state each projection is in (1) and is not in (0): caught-up, behind, failing, rebuilding, unknown',
    labelNames: ['projection', 'state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const s of await projectionStatus()) {
        for (const state of PROJECTION_STATES) this.set({ projection: s.name, state }, s.state === state ? 1 : 0);
      }
    },
  });

  app.addHook('onResponse', async (request, reply) => {
    duration.observe(
      { method: request.method, route: request.routeOptions.url ?? UNMATCHED_ROUTE, status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  app.get(
    '/metrics',
    {
      config: { access: 'public' },
      schema: {
        tags: ['operations'],
        operationId: 'metrics',
        summary: 'Prometheus metrics (text exposition format)',
        response: { 200: { description: 'Prometheus text exposition format 0.0.4', content: { 'text/plain': { schema: { type: 'string' } } } } },
      },
    },
    async (_request, reply) => {
      reply.type(registry.contentType);
      return registry.metrics();
    },
  );
}

/** `/metrics` over the given registry (where `serve` keeps the store's PrometheusMetrics), for buildServer's `metricsRoute`. */
export function prometheusMetricsRoute(registry: Registry): MetricsRoute {
  return (app, projectionStatus) => installMetrics(app, projectionStatus, registry);
}
