/**
 * Least-recently-used answers, valid for one version of the index. Popular searches (a common word,
 * the first letter typed, the landing page) are the expensive ones, and the catalog changes far less
 * often than it is searched. An answer is frozen, deeply, when stored and handed out as it is:
 * callers can never alter a cached answer, and no answer is copied (a structuredClone on every
 * write and read cost as much as the facet counts).
 *
 * Bounded by entries and by the estimated bytes of the answers (`sizeOf`), least recently used going
 * first: a search answer holds its books and highlights, tens of KB each.
 */
export class ResultCache<V> {
  private version = '';
  private readonly entries = new Map<string, { value: V; bytes: number }>();
  private held = 0;

  constructor(
    private readonly capacity: number,
    private readonly maxBytes = Infinity,
    private readonly sizeOf: (value: V) => number = () => 0,
  ) {}

  /** The estimated bytes of the answers held. */
  get bytes(): number {
    return this.held;
  }

  get size(): number {
    return this.entries.size;
  }

  get(version: string, key: string): V | undefined {
    if (version !== this.version) {
      this.entries.clear();
      this.held = 0;
      this.version = version;
      return undefined;
    }
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  /** Stores `value`, frozen: the caller's own reference is frozen too, so hand it out only after this. */
  set(version: string, key: string, value: V): void {
    deepFreeze(value);
    if (version !== this.version) return;
    const bytes = this.sizeOf(value);
    if (bytes > this.maxBytes) return;
    this.drop(key);
    this.entries.set(key, { value, bytes });
    this.held += bytes;
    while (this.entries.size > this.capacity || this.held > this.maxBytes) this.drop(this.entries.keys().next().value!);
  }

  /** Every answer held, least recently used first; `visit` may `replace` or `delete` the one it is given. */
  forEach(visit: (value: V, key: string) => void): void {
    for (const [key, entry] of [...this.entries]) visit(entry.value, key);
  }

  /** Puts `value` (frozen, of the same estimated size) in the place of the answer held under `key`, keeping its recency. */
  replace(key: string, value: V): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    deepFreeze(value);
    entry.value = value;
  }

  delete(key: string): void {
    this.drop(key);
  }

  clear(): void {
    this.entries.clear();
    this.held = 0;
  }

  private drop(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    this.held -= entry.bytes;
  }
}

/** Freezes `value` and everything it holds; parts already frozen (books from the book cache) are not walked again. */
function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  // Walked in place: Object.values made an array for every hit, highlight and facet of every answer.
  if (Array.isArray(value)) for (let i = 0; i < value.length; i++) deepFreeze(value[i]);
  else for (const key in value) deepFreeze((value as Record<string, unknown>)[key]);
}
