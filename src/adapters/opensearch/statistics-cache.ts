/**
 * Term statistics earlier searches fetched, by key, least recently used first out. Entries are
 * guesses, never answers: whoever plans a search from one checks it against the index in the same
 * round trip as the search (search-statistics.ts), so nothing here needs invalidating when the index
 * changes, in this process or another; clearing it after a write only saves checks bound to fail.
 */
export class StatisticsCache {
  private readonly entries = new Map<string, unknown>();

  /** A few thousand terms with their near-spellings: well under a few megabytes. */
  constructor(private readonly capacity = 5_000) {}

  get<T>(key: string): T | undefined {
    const value = this.entries.get(key);
    if (value === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, value);
    return value as T;
  }

  clear(): void {
    this.entries.clear();
  }

  set(key: string, value: unknown): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }
}
