/**
 * Least-recently-used answers, valid for one version of the index. Popular searches (a common word,
 * the first letter typed, the landing page) are the expensive ones, and the catalog changes far less
 * often than it is searched. Entries are cloned in and out so callers can never alter a cached answer.
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
    return structuredClone(value);
  }

  set(version: string, key: string, value: V): void {
    if (version !== this.version) return;
    this.entries.set(key, structuredClone(value));
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }
}
