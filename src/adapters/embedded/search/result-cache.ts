/**
 * Least-recently-used answers, valid for one version of the index. Popular searches (a common word,
 * the first letter typed, the landing page) are the expensive ones, and the catalog changes far less
 * often than it is searched. An answer is frozen, deeply, when stored and handed out as it is:
 * callers can never alter a cached answer, and no answer is copied (a structuredClone on every
 * write and read cost as much as the facet counts).
 */
export class ResultCache<V> {
  private version = '';
  private readonly entries = new Map<string, V>();

  constructor(private readonly capacity: number) {}

  get(version: string, key: string): V | undefined {
    if (version !== this.version) {
      this.entries.clear();
      this.version = version;
      return undefined;
    }
    const value = this.entries.get(key);
    if (value === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  /** Stores `value`, frozen: the caller's own reference is frozen too, so hand it out only after this. */
  set(version: string, key: string, value: V): void {
    deepFreeze(value);
    if (version !== this.version) return;
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }
}

/** Freezes `value` and everything it holds; parts already frozen (books from the book cache) are not walked again. */
function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child);
}
