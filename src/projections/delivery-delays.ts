/** How long committed events waited before a projection applied them, over a sliding time window. */
export interface DeliveryDelays {
  /** Events applied in the window. */
  samples: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

const WINDOW_MS = 60_000;
/** Bounds memory under a storm: only the newest events of the window are kept. */
const MAX_SAMPLES = 20_000;

/**
 * Records, per applied event, the delay from its commit to its application: the projection lag a user
 * feels (a write not yet visible in search or bestsellers). Sampling the lag from outside cannot see it
 * when the same event loop serves the sample and applies the batch.
 */
export class DeliveryDelayWindow {
  private appliedAt: number[] = [];
  private delays: number[] = [];

  record(appliedAt: number, delaysMs: readonly number[]): void {
    for (const d of delaysMs) {
      this.appliedAt.push(appliedAt);
      this.delays.push(Math.max(0, d));
    }
    const excess = this.delays.length - MAX_SAMPLES;
    if (excess > 0) this.drop(excess);
  }

  summary(now: number): DeliveryDelays {
    let stale = 0;
    while (stale < this.appliedAt.length && this.appliedAt[stale]! < now - WINDOW_MS) stale++;
    if (stale > 0) this.drop(stale);
    if (this.delays.length === 0) return { samples: 0, p50Ms: 0, p99Ms: 0, maxMs: 0 };
    const sorted = Float64Array.from(this.delays).sort();
    const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
    return { samples: sorted.length, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: sorted[sorted.length - 1]! };
  }

  private drop(n: number): void {
    this.appliedAt = this.appliedAt.slice(n);
    this.delays = this.delays.slice(n);
  }
}
