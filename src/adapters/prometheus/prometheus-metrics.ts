import { Counter, Histogram, Registry } from 'prom-client';
import type { Metrics } from '../../ports/metrics.js';

export interface PrometheusMetricsOptions {
  /** Where the series are registered; the server's /metrics serves this registry. Defaults to a new one. */
  registry?: Registry;
}

/**
 * The server's adapter: counters and histograms in a prom-client registry that `/metrics` serves.
 * Durations are in seconds, as Prometheus names them; the port hands over milliseconds.
 */
export class PrometheusMetrics implements Metrics {
  readonly registry: Registry;
  private readonly ordersPlaced: Counter;
  private readonly checkoutConflicts: Counter;
  private readonly signInFailures: Counter;
  private readonly signInRateLimitedTotal: Counter;
  private readonly searchDuration: Histogram;
  private readonly deliveryDelay: Histogram<'projection'>;
  private readonly projectionErrors: Counter<'projection'>;

  constructor(options: PrometheusMetricsOptions = {}) {
    const registers = [(this.registry = options.registry ?? new Registry())];
    this.ordersPlaced = new Counter({ name: 'bookstore_orders_placed_total', help: 'Orders created by checkouts', registers });
    this.checkoutConflicts = new Counter({ name: 'bookstore_checkout_conflicts_total', help: 'Checkouts refused with a conflict (409)', registers });
    this.signInFailures = new Counter({ name: 'bookstore_sign_in_failures_total', help: 'Sign-ins refused for a wrong email or password', registers });
    this.signInRateLimitedTotal = new Counter({ name: 'bookstore_sign_in_rate_limited_total', help: 'Sign-in attempts refused by the rate limit', registers });
    this.searchDuration = new Histogram({
      name: 'bookstore_search_duration_seconds',
      help: 'Time to answer a search, in the application (without HTTP)',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.deliveryDelay = new Histogram({
      name: 'bookstore_projection_delivery_delay_seconds',
      help: 'Time from a change event’s commit to its application by a projection',
      labelNames: ['projection'] as const,
      // DynamoDB Streams stamp a record's creation to the second, so the engines profile sees whole seconds.
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers,
    });
    this.projectionErrors = new Counter({
      name: 'bookstore_projection_errors_total',
      help: 'Failed attempts of a projection to apply changes (they are delivered again)',
      labelNames: ['projection'] as const,
      registers,
    });
  }

  orderPlaced(): void {
    this.ordersPlaced.inc();
  }

  checkoutConflict(): void {
    this.checkoutConflicts.inc();
  }

  signInFailed(): void {
    this.signInFailures.inc();
  }

  signInRateLimited(): void {
    this.signInRateLimitedTotal.inc();
  }

  searchAnswered(ms: number): void {
    this.searchDuration.observe(seconds(ms));
  }

  projectionDelivered(projection: string, delayMs: number): void {
    this.deliveryDelay.observe({ projection }, seconds(delayMs));
  }

  projectionFailed(projection: string): void {
    this.projectionErrors.inc({ projection });
  }
}

/** Clocks of different machines (DynamoDB's, Lambda's) can put a commit a little after its application. */
function seconds(ms: number): number {
  return Math.max(0, ms) / 1000;
}
