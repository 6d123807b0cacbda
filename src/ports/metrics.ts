/**
 * The business and health events the application counts, whichever runtime reads them: the server
 * exposes them to Prometheus, Lambda writes them as CloudWatch Embedded Metric Format. One method per
 * event, so each adapter owns its names and units and no call site spells a metric name.
 */
export interface Metrics {
  /** A checkout created an order (replaying an idempotency key creates none). */
  orderPlaced(): void;
  /** A checkout was refused with a conflict: the cart or a price changed under it, or the cart cannot be ordered. */
  checkoutConflict(): void;
  /** A sign-in was refused: wrong email or password. */
  signInFailed(): void;
  /** A sign-in attempt was refused by the rate limit before its password was checked. */
  signInRateLimited(): void;
  /** A search was answered, taking `ms` milliseconds. */
  searchAnswered(ms: number): void;
  /** A projection applied a change event `delayMs` milliseconds after it was committed. */
  projectionDelivered(projection: string, delayMs: number): void;
  /** A projection failed to apply changes it was given; they are delivered again. */
  projectionFailed(projection: string): void;
}
