import { CloudWatchEmfMetrics, EMF_DEFAULTS } from '../adapters/cloudwatch/cloudwatch-emf-metrics.js';
import type { Metrics } from '../ports/metrics.js';

/** The metrics a Lambda handler records into during an invocation and publishes at its end. */
export interface InvocationMetrics extends Metrics {
  /** Writes what the invocation recorded (CloudWatch EMF on stdout). */
  publish(): void;
}

/**
 * The adapter both functions use, configured as Powertools is everywhere: namespace from
 * POWERTOOLS_METRICS_NAMESPACE, service from POWERTOOLS_SERVICE_NAME, with the names the
 * dashboard and alarms read as defaults.
 */
export function lambdaMetrics(env: NodeJS.ProcessEnv = process.env): CloudWatchEmfMetrics {
  return new CloudWatchEmfMetrics({
    namespace: env.POWERTOOLS_METRICS_NAMESPACE || EMF_DEFAULTS.namespace,
    serviceName: env.POWERTOOLS_SERVICE_NAME || EMF_DEFAULTS.serviceName,
  });
}

/** Runs one invocation and publishes its metrics afterwards, whether it succeeded or threw. */
export async function publishingMetrics<T>(metrics: InvocationMetrics, invocation: () => Promise<T>): Promise<T> {
  try {
    return await invocation();
  } finally {
    metrics.publish();
  }
}
