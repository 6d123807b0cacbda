/** What one counted attempt learned about its key's current window. */
export interface AttemptCount {
  /** Attempts counted under the key in its current window, this one included. */
  count: number;
  /** Milliseconds until that window ends and the count starts again from zero. */
  resetInMs: number;
}

/**
 * Fixed-window attempt counters that every process serving the store shares (embedded: the one
 * process; engines: Redis, so every server process and Lambda container counts into the same
 * window). The limits themselves are the use cases' policy (src/app/attempt-limits.ts); a counter
 * only counts. Keys are opaque, short and already free of personal data.
 */
export interface AttemptCounter {
  /**
   * Counts one attempt under `key`. The first attempt opens a window of `windowMs`; every attempt
   * inside it, refused ones too, adds to the same count. Atomic: concurrent hits never lose a count.
   * UnavailableError when the counters cannot be reached (callers refuse rather than count nothing).
   */
  hit(key: string, windowMs: number): Promise<AttemptCount>;
  /** Forgets `key`'s window, as if it had never been hit. */
  reset(key: string): Promise<void>;
  close(): Promise<void>;
}
