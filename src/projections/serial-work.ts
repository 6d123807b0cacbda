/**
 * Runs work one piece at a time per key, in the order it was asked for: passes, rebuilds and rewinds
 * of one projection never overlap, while different projections go on side by side.
 */
export class SerialWork<K> {
  private readonly tails = new Map<K, Promise<unknown>>();

  run<T>(key: K, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(work, work);
    this.tails.set(
      key,
      next.catch(() => undefined),
    );
    return next;
  }

  /** Settles when everything asked for so far has run. */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.tails.values()]);
  }
}
