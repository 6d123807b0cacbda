import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CloudWatchEmfMetrics } from '../../src/adapters/cloudwatch/cloudwatch-emf-metrics.js';
import { PrometheusMetrics } from '../../src/adapters/prometheus/prometheus-metrics.js';
import { lambdaMetrics } from '../../src/lambda/metrics.js';
import { captureStdout, emfDocuments, valuesOf, type EmfDocument, type StdoutCapture } from '../support/stdout-capture.js';
import { metricsConformance, nothingObserved, type Observed } from './metrics.js';

interface PromValue {
  value: number;
  labels: Record<string, string | number>;
  metricName?: string;
}

/** A scrape of the registry, read back into the port's units. */
async function scrape(metrics: PrometheusMetrics): Promise<Observed> {
  const families = await metrics.registry.getMetricsAsJSON();
  const values = (name: string) => (families.find((f) => f.name === name)?.values ?? []) as PromValue[];
  const total = (name: string) => values(name).reduce((sum, v) => sum + v.value, 0);
  const perProjection = (name: string, suffix: string) => {
    const out: Record<string, number> = {};
    for (const v of values(name)) {
      if (v.metricName !== undefined && !v.metricName.endsWith(suffix)) continue;
      out[String(v.labels.projection)] = (out[String(v.labels.projection)] ?? 0) + v.value;
    }
    return out;
  };
  const searches = values('bookstore_search_duration_seconds');
  const counts = perProjection('bookstore_projection_delivery_delay_seconds', '_count');
  const sums = perProjection('bookstore_projection_delivery_delay_seconds', '_sum');
  return {
    ordersPlaced: total('bookstore_orders_placed_total'),
    checkoutConflicts: total('bookstore_checkout_conflicts_total'),
    signInFailures: total('bookstore_sign_in_failures_total'),
    signInRateLimited: total('bookstore_sign_in_rate_limited_total'),
    searches: {
      count: searches.find((v) => v.metricName?.endsWith('_count'))?.value ?? 0,
      sumMs: (searches.find((v) => v.metricName?.endsWith('_sum'))?.value ?? 0) * 1000,
    },
    deliveries: Object.fromEntries(Object.entries(counts).map(([p, count]) => [p, { count, sumMs: (sums[p] ?? 0) * 1000 }])),
    projectionErrors: perProjection('bookstore_projection_errors_total', ''),
  };
}

/** Every EMF document published so far, added up as CloudWatch would. */
function aggregate(documents: readonly EmfDocument[]): Observed {
  const seen = nothingObserved();
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  for (const doc of documents) {
    const projection = doc._aws.CloudWatchMetrics[0]!.Dimensions.some((set) => set.includes('projection')) ? String(doc.projection) : null;
    seen.ordersPlaced += sum(valuesOf(doc, 'OrdersPlaced'));
    seen.checkoutConflicts += sum(valuesOf(doc, 'CheckoutConflicts'));
    seen.signInFailures += sum(valuesOf(doc, 'SignInFailures'));
    seen.signInRateLimited += sum(valuesOf(doc, 'SignInRateLimited'));
    const latencies = valuesOf(doc, 'SearchLatency');
    seen.searches = { count: seen.searches.count + latencies.length, sumMs: seen.searches.sumMs + sum(latencies) };
    if (projection === null) continue;
    const delays = valuesOf(doc, 'ProjectionDeliveryDelay');
    if (delays.length > 0) {
      const before = seen.deliveries[projection] ?? { count: 0, sumMs: 0 };
      seen.deliveries[projection] = { count: before.count + delays.length, sumMs: before.sumMs + sum(delays) };
    }
    const errors = sum(valuesOf(doc, 'ProjectionErrors'));
    if (errors > 0) seen.projectionErrors[projection] = (seen.projectionErrors[projection] ?? 0) + errors;
  }
  return seen;
}

metricsConformance('Prometheus', () => {
  const metrics = new PrometheusMetrics();
  return { metrics, observe: () => scrape(metrics), close: () => metrics.registry.clear() };
});

metricsConformance('CloudWatch EMF', () => {
  const stdout = captureStdout();
  const metrics = new CloudWatchEmfMetrics();
  const published: EmfDocument[] = [];
  return {
    metrics,
    async observe() {
      metrics.publish();
      published.push(...emfDocuments(stdout.take()));
      return aggregate(published);
    },
    close: () => stdout.restore(),
  };
});

/** What the dashboard and alarms in infra/ rely on: names, units, namespace and dimensions, exactly. */
describe('CloudWatch EMF documents on stdout', () => {
  let stdout: StdoutCapture;
  beforeEach(() => {
    stdout = captureStdout();
  });
  afterEach(() => {
    stdout.restore();
  });

  it('publishes the service metrics as one JSON line in namespace Bookstore with the service dimension', () => {
    const metrics = new CloudWatchEmfMetrics();
    metrics.orderPlaced();
    metrics.orderPlaced();
    metrics.checkoutConflict();
    metrics.signInFailed();
    metrics.signInRateLimited();
    metrics.searchAnswered(7.25);
    metrics.publish();
    const lines = stdout.take();
    expect(lines).toHaveLength(1);
    const [doc] = emfDocuments(lines);
    expect(doc!._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: 'Bookstore',
        Dimensions: [['service']],
        Metrics: [
          { Name: 'OrdersPlaced', Unit: 'Count' },
          { Name: 'CheckoutConflicts', Unit: 'Count' },
          { Name: 'SignInFailures', Unit: 'Count' },
          { Name: 'SignInRateLimited', Unit: 'Count' },
          { Name: 'SearchLatency', Unit: 'Milliseconds' },
        ],
      },
    ]);
    expect(typeof doc!._aws.Timestamp).toBe('number');
    expect(doc).toMatchObject({ service: 'bookstore', OrdersPlaced: [1, 1], CheckoutConflicts: 1, SignInFailures: 1, SignInRateLimited: 1, SearchLatency: 7.25 });
  });

  it('publishes one document per projection, each with its own projection dimension', () => {
    const metrics = new CloudWatchEmfMetrics();
    metrics.projectionDelivered('search', 1200);
    metrics.projectionDelivered('search', 800);
    metrics.projectionDelivered('graph', 15);
    metrics.projectionFailed('graph');
    metrics.publish();
    const docs = emfDocuments(stdout.take());
    expect(docs).toHaveLength(2);
    const byProjection = new Map(docs.map((d) => [d.projection, d]));
    expect(byProjection.get('search')!._aws.CloudWatchMetrics).toEqual([
      { Namespace: 'Bookstore', Dimensions: [['service', 'projection']], Metrics: [{ Name: 'ProjectionDeliveryDelay', Unit: 'Milliseconds' }] },
    ]);
    expect(byProjection.get('search')).toMatchObject({ service: 'bookstore', projection: 'search', ProjectionDeliveryDelay: [1200, 800] });
    expect(byProjection.get('graph')!._aws.CloudWatchMetrics[0]!.Metrics).toEqual([
      { Name: 'ProjectionDeliveryDelay', Unit: 'Milliseconds' },
      { Name: 'ProjectionErrors', Unit: 'Count' },
    ]);
    expect(byProjection.get('graph')).toMatchObject({ service: 'bookstore', projection: 'graph', ProjectionDeliveryDelay: 15, ProjectionErrors: 1 });
  });

  it('writes nothing, not even a warning, when nothing was recorded, and nothing twice', () => {
    const metrics = new CloudWatchEmfMetrics();
    metrics.publish();
    expect(stdout.take()).toEqual([]);
    metrics.orderPlaced();
    metrics.projectionFailed('search');
    metrics.publish();
    expect(stdout.take()).toHaveLength(2);
    metrics.publish();
    expect(stdout.take()).toEqual([]);
  });

  it('splits a large batch into documents of at most 100 values, as EMF requires, losing none', () => {
    const metrics = new CloudWatchEmfMetrics();
    for (let i = 0; i < 250; i++) metrics.projectionDelivered('search', i);
    metrics.publish();
    const docs = emfDocuments(stdout.take());
    expect(docs.map((d) => valuesOf(d, 'ProjectionDeliveryDelay').length)).toEqual([100, 100, 50]);
    expect(docs.flatMap((d) => valuesOf(d, 'ProjectionDeliveryDelay'))).toEqual(Array.from({ length: 250 }, (_, i) => i));
    for (const doc of docs) expect(doc.projection).toBe('search');
  });

  it('takes the namespace and service from the Powertools variables in Lambda, Bookstore and bookstore otherwise', () => {
    const configured = lambdaMetrics({ POWERTOOLS_METRICS_NAMESPACE: 'BookstoreStaging', POWERTOOLS_SERVICE_NAME: 'bookstore-staging' });
    configured.orderPlaced();
    configured.publish();
    const [doc] = emfDocuments(stdout.take());
    expect(doc!._aws.CloudWatchMetrics[0]!.Namespace).toBe('BookstoreStaging');
    expect(doc!.service).toBe('bookstore-staging');

    const unset = lambdaMetrics({});
    unset.projectionFailed('search');
    unset.publish();
    const [plain] = emfDocuments(stdout.take());
    expect(plain!._aws.CloudWatchMetrics[0]!.Namespace).toBe('Bookstore');
    expect(plain).toMatchObject({ service: 'bookstore', projection: 'search' });
  });
});
