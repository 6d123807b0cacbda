import type { Metrics } from '../ports/metrics.js';

/** Records nothing: for the CLI, whose runs are too short to scrape, and for tests that do not look. */
export class NoopMetrics implements Metrics {
  orderPlaced(): void {}
  checkoutConflict(): void {}
  signInFailed(): void {}
  signInRateLimited(): void {}
  searchAnswered(): void {}
  projectionDelivered(): void {}
  projectionFailed(): void {}
}
