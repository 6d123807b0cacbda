import type { AttemptCount, AttemptCounter } from '../../ports/attempt-counter.js';

interface Window {
  count: number;
  endsAt: number;
}

export interface MemoryAttemptCounterOptions {
  /** The most keys kept; past it the oldest windows are dropped, so a flood of addresses cannot grow memory without bound. */
  maxKeys?: number;
  now?: () => number;
}

/**
 * Attempt counters in this process's memory: the embedded profile is one server process, so its
 * windows are everyone's. A Map keeps insertion order, so the first entries are the oldest windows.
 */
export class MemoryAttemptCounter implements AttemptCounter {
  private readonly windows = new Map<string, Window>();
  private readonly maxKeys: number;
  private readonly now: () => number;

  constructor(options: MemoryAttemptCounterOptions = {}) {
    this.maxKeys = options.maxKeys ?? 100_000;
    this.now = options.now ?? Date.now;
  }

  async hit(key: string, windowMs: number): Promise<AttemptCount> {
    const now = this.now();
    let window = this.windows.get(key);
    if (!window || window.endsAt <= now) {
      this.windows.delete(key);
      this.makeRoom(now);
      window = { count: 0, endsAt: now + windowMs };
      this.windows.set(key, window);
    }
    window.count += 1;
    return { count: window.count, resetInMs: window.endsAt - now };
  }

  async reset(key: string): Promise<void> {
    this.windows.delete(key);
  }

  async close(): Promise<void> {
    this.windows.clear();
  }

  /** Drops ended windows, then (still full) the oldest open ones: forgetting a count is better than running out of memory. */
  private makeRoom(now: number): void {
    if (this.windows.size < this.maxKeys) return;
    for (const [key, window] of this.windows) if (window.endsAt <= now) this.windows.delete(key);
    for (const key of this.windows.keys()) {
      if (this.windows.size < this.maxKeys) break;
      this.windows.delete(key);
    }
  }
}
