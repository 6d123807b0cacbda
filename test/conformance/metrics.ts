import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Metrics } from '../../src/ports/metrics.js';

/** What an adapter's reader saw, in the port's units (milliseconds), whatever the adapter's own. */
export interface Observed {
  ordersPlaced: number;
  checkoutConflicts: number;
  signInFailures: number;
  signInRateLimited: number;
  searches: { count: number; sumMs: number };
  /** Per projection; a projection with nothing recorded is absent. */
  deliveries: Record<string, { count: number; sumMs: number }>;
  projectionErrors: Record<string, number>;
}

export interface MetricsUnderTest {
  metrics: Metrics;
  /** Everything recorded since `make`, as the runtime's reader gets it (Prometheus: a scrape; EMF: the published lines). */
  observe(): Promise<Observed>;
  close(): void;
}

/** What a runtime reads when nothing was recorded: a fresh object each call, for readers that add into it. */
export function nothingObserved(): Observed {
  return {
    ordersPlaced: 0,
    checkoutConflicts: 0,
    signInFailures: 0,
    signInRateLimited: 0,
    searches: { count: 0, sumMs: 0 },
    deliveries: {},
    projectionErrors: {},
  };
}

const NOTHING = nothingObserved();

/** The same calls give the same observations through every adapter: what the dashboard and /metrics show agree. */
export function metricsConformance(adapter: string, make: () => MetricsUnderTest): void {
  describe(`Metrics conformance: ${adapter}`, () => {
    let under: MetricsUnderTest;
    let metrics: Metrics;
    beforeEach(() => {
      under = make();
      metrics = under.metrics;
    });
    afterEach(() => {
      under.close();
    });

    it('observes nothing before anything is recorded', async () => {
      expect(await under.observe()).toEqual(NOTHING);
    });

    it('counts each business event once per call', async () => {
      metrics.orderPlaced();
      metrics.orderPlaced();
      metrics.checkoutConflict();
      for (let i = 0; i < 3; i++) metrics.signInFailed();
      metrics.signInRateLimited();
      expect(await under.observe()).toEqual({ ...NOTHING, ordersPlaced: 2, checkoutConflicts: 1, signInFailures: 3, signInRateLimited: 1 });
    });

    it('records each search with its latency in milliseconds', async () => {
      metrics.searchAnswered(12.5);
      metrics.searchAnswered(30.25);
      const { searches } = await under.observe();
      expect(searches.count).toBe(2);
      expect(searches.sumMs).toBeCloseTo(42.75, 6);
    });

    it('keeps delivery delays and errors apart per projection', async () => {
      metrics.projectionDelivered('search', 100);
      metrics.projectionDelivered('search', 300);
      metrics.projectionDelivered('graph', 50);
      metrics.projectionFailed('graph');
      metrics.projectionFailed('graph');
      metrics.projectionFailed('bestsellers');
      const seen = await under.observe();
      expect(Object.keys(seen.deliveries).sort()).toEqual(['graph', 'search']);
      expect(seen.deliveries.search?.count).toBe(2);
      expect(seen.deliveries.search?.sumMs).toBeCloseTo(400, 6);
      expect(seen.deliveries.graph?.count).toBe(1);
      expect(seen.deliveries.graph?.sumMs).toBeCloseTo(50, 6);
      expect(seen.projectionErrors).toEqual({ graph: 2, bestsellers: 1 });
    });

    it('records a delay the clocks made negative as zero, not as time travel', async () => {
      metrics.projectionDelivered('search', -800);
      expect((await under.observe()).deliveries).toEqual({ search: { count: 1, sumMs: 0 } });
    });

    it('counts what was recorded between two reads once', async () => {
      metrics.orderPlaced();
      metrics.projectionDelivered('search', 10);
      await under.observe();
      metrics.orderPlaced();
      const seen = await under.observe();
      expect(seen.ordersPlaced).toBe(2);
      expect(seen.deliveries.search?.count).toBe(1);
    });
  });
}
