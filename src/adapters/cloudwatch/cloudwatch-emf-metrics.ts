import { Metrics as PowertoolsMetrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Metrics } from '../../ports/metrics.js';

/** Powertools' logger shape (debug, info, warn, error), without depending on its commons package. */
type PowertoolsLogger = NonNullable<NonNullable<ConstructorParameters<typeof PowertoolsMetrics>[0]>['logger']>;

export interface CloudWatchEmfMetricsOptions {
  /** The CloudWatch namespace; the dashboard and alarms read `Bookstore`. */
  namespace?: string;
  /** The `service` dimension Powertools adds to every metric. */
  serviceName?: string;
  /** Where Powertools reports its own warnings (an invalid dimension); defaults to stderr. */
  logger?: PowertoolsLogger;
}

/** Where the metrics land unless configured otherwise, and the dimension the per-projection ones add. */
export const EMF_DEFAULTS = { namespace: 'Bookstore', serviceName: 'bookstore', projectionDimension: 'projection' } as const;

/** The metric names and units CloudWatch receives: the infra's dashboard and alarms use exactly these. */
export const EMF_METRICS = {
  ordersPlaced: { name: 'OrdersPlaced', unit: MetricUnit.Count },
  checkoutConflicts: { name: 'CheckoutConflicts', unit: MetricUnit.Count },
  signInFailures: { name: 'SignInFailures', unit: MetricUnit.Count },
  signInRateLimited: { name: 'SignInRateLimited', unit: MetricUnit.Count },
  searchLatency: { name: 'SearchLatency', unit: MetricUnit.Milliseconds },
  /** With the dimension `projection` too. */
  projectionDeliveryDelay: { name: 'ProjectionDeliveryDelay', unit: MetricUnit.Milliseconds },
  /** With the dimension `projection` too. */
  projectionErrors: { name: 'ProjectionErrors', unit: MetricUnit.Count },
} as const;

type EmfMetric = (typeof EMF_METRICS)[keyof typeof EMF_METRICS];

/**
 * Lambda's adapter: CloudWatch Embedded Metric Format through Powertools, buffered until `publish()`,
 * which the handlers call at the end of every invocation. An EMF document gives every metric in it the
 * same dimension values, so the per-projection metrics are kept in one Powertools instance per
 * projection (its `projection` a default dimension) and each publishes a document of its own: one
 * JSON line on stdout per dimension set, apart from the pino lines, each with its `_aws` key.
 *
 * Powertools writes a document early when one metric reaches 100 values (EMF's limit); otherwise
 * nothing is written until `publish()`, and what is recorded between invocations goes out with the next.
 * Nothing is written for an invocation that recorded nothing.
 */
export class CloudWatchEmfMetrics implements Metrics {
  private readonly options: Required<Pick<CloudWatchEmfMetricsOptions, 'namespace' | 'serviceName'>> & CloudWatchEmfMetricsOptions;
  private readonly service: PowertoolsMetrics;
  private readonly projections = new Map<string, PowertoolsMetrics>();

  constructor(options: CloudWatchEmfMetricsOptions = {}) {
    this.options = { ...options, namespace: options.namespace ?? EMF_DEFAULTS.namespace, serviceName: options.serviceName ?? EMF_DEFAULTS.serviceName };
    this.service = this.powertools({});
  }

  orderPlaced(): void {
    this.add(this.service, EMF_METRICS.ordersPlaced, 1);
  }

  checkoutConflict(): void {
    this.add(this.service, EMF_METRICS.checkoutConflicts, 1);
  }

  signInFailed(): void {
    this.add(this.service, EMF_METRICS.signInFailures, 1);
  }

  signInRateLimited(): void {
    this.add(this.service, EMF_METRICS.signInRateLimited, 1);
  }

  searchAnswered(ms: number): void {
    this.add(this.service, EMF_METRICS.searchLatency, ms);
  }

  projectionDelivered(projection: string, delayMs: number): void {
    this.add(this.of(projection), EMF_METRICS.projectionDeliveryDelay, delayMs);
  }

  projectionFailed(projection: string): void {
    this.add(this.of(projection), EMF_METRICS.projectionErrors, 1);
  }

  /** Writes what was recorded since the last call to stdout; nothing at all when nothing was. */
  publish(): void {
    for (const metrics of [this.service, ...this.projections.values()]) {
      // Publishing an empty buffer would only make Powertools warn.
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    }
  }

  private add(metrics: PowertoolsMetrics, metric: EmfMetric, value: number): void {
    // Clocks of different machines (DynamoDB's, Lambda's) can put a commit a little after its application.
    metrics.addMetric(metric.name, metric.unit, Math.max(0, Math.round(value * 1000) / 1000));
  }

  private of(projection: string): PowertoolsMetrics {
    let metrics = this.projections.get(projection);
    if (!metrics) {
      metrics = this.powertools({ [EMF_DEFAULTS.projectionDimension]: projection });
      this.projections.set(projection, metrics);
    }
    return metrics;
  }

  private powertools(defaultDimensions: Record<string, string>): PowertoolsMetrics {
    const { namespace, serviceName, logger } = this.options;
    return new PowertoolsMetrics({ namespace, serviceName, defaultDimensions, ...(logger ? { logger } : {}) });
  }
}
