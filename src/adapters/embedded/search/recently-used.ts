/** A value in the recency list: most recently used at the head, the next to evict at the tail. */
interface Entry<V> {
  readonly key: number;
  readonly value: V;
  readonly weight: number;
  newer: Entry<V> | null;
  older: Entry<V> | null;
}

/**
 * Values by document key, the least recently used going first once their weights add up past
 * `maxWeight` (bytes, or 1 per value for a count). Recency is a list threaded through the entries, so
 * a hit only relinks two entries. A Map kept in use order (a delete and a set on every hit,
 * `keys().next()` to find the oldest) costs more than the reads it saves: V8 leaves a hole per delete
 * that the oldest-key walk steps over until a rehash.
 */
export class RecentlyUsed<V> {
  private readonly entries = new Map<number, Entry<V>>();
  private newest: Entry<V> | null = null;
  private oldest: Entry<V> | null = null;
  private held = 0;

  constructor(private readonly maxWeight: number) {}

  get size(): number {
    return this.entries.size;
  }

  /** The weight held; never more than maxWeight after `trim`. */
  get weight(): number {
    return this.held;
  }

  /** The value under `key`, made the most recently used. */
  get(key: number): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry !== this.newest) {
      this.unlink(entry);
      this.link(entry);
    }
    return entry.value;
  }

  /** Holds `value` under `key` as the most recently used; nothing is evicted until `trim`. */
  set(key: number, value: V, weight: number): void {
    this.delete(key);
    const entry: Entry<V> = { key, value, weight, newer: null, older: null };
    this.entries.set(key, entry);
    this.link(entry);
    this.held += weight;
  }

  delete(key: number): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    this.unlink(entry);
    this.held -= entry.weight;
  }

  clear(): void {
    this.entries.clear();
    this.newest = this.oldest = null;
    this.held = 0;
  }

  /** Evicts the least recently used until the weight held is within maxWeight. */
  trim(): void {
    while (this.held > this.maxWeight && this.oldest !== null) this.delete(this.oldest.key);
  }

  private link(entry: Entry<V>): void {
    entry.older = this.newest;
    entry.newer = null;
    if (this.newest !== null) this.newest.newer = entry;
    else this.oldest = entry;
    this.newest = entry;
  }

  private unlink(entry: Entry<V>): void {
    if (entry.newer !== null) entry.newer.older = entry.older;
    else this.newest = entry.older;
    if (entry.older !== null) entry.older.newer = entry.newer;
    else this.oldest = entry.newer;
    entry.newer = entry.older = null;
  }
}
