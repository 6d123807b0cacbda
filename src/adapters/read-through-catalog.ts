import type { Book, BookInput } from '../domain/book.js';
import type { BookCache } from '../ports/book-cache.js';
import type { Catalog, CategoryCount, ReadOptions, UpsertSummary } from '../ports/catalog.js';
import type { Page, PageRequest } from '../ports/page.js';

export interface ReadThroughCatalogOptions {
  /** The system of record's catalog: every write goes there first, and every miss reads it. */
  catalog: Catalog;
  cache: BookCache;
  /** Told of each cache failure; the read or write it was part of goes on without the cache. */
  onCacheError?: (error: unknown, operation: string) => void;
  /** After a cache failure, the cache is left alone this long, so a Redis that is down costs no time per request. */
  pauseAfterErrorMs?: number;
  now?: () => number;
}

/**
 * The catalog behind a shared book cache, the role DAX plays in front of a DynamoDB table: reads by
 * id are answered from the cache and fill it on a miss; writes commit to the system of record, then
 * update the cache. The cache is never needed for correctness: if it fails, reads and writes go on
 * against the catalog alone.
 *
 * Staleness: a write updates the cache right after its commit, and the change feed updates it again
 * (BookCacheProjection), so a book stays stale only between a commit and the next event delivery
 * when this process could not write the cache (crashed, or the cache was unreachable). An import's
 * changes reach the cache through the change feed only. Reads asked to be `fresh` (prices for an
 * order), stock (`stockOf`) and listings (`list`, `categories`, `findByIsbn`) always read the system of record.
 */
export class ReadThroughCatalog implements Catalog {
  private readonly inner: Catalog;
  private readonly cache: BookCache;
  private readonly onCacheError: (error: unknown, operation: string) => void;
  private readonly pauseMs: number;
  private readonly now: () => number;
  private pausedUntil = 0;

  constructor(options: ReadThroughCatalogOptions) {
    this.inner = options.catalog;
    this.cache = options.cache;
    this.onCacheError = options.onCacheError ?? (() => undefined);
    this.pauseMs = options.pauseAfterErrorMs ?? 5_000;
    this.now = options.now ?? Date.now;
  }

  async create(input: BookInput): Promise<Book> {
    const book = await this.inner.create(input);
    await this.useCache('put', () => this.cache.put([book]));
    return book;
  }

  async get(id: string): Promise<Book | null> {
    const cached = await this.useCache('get', () => this.cache.getMany([id]));
    const entry = cached?.get(id);
    if (entry !== undefined) return entry;
    const book = await this.inner.get(id);
    if (book) await this.useCache('fill', () => this.cache.put([book]));
    return book;
  }

  async getMany(ids: readonly string[], options?: ReadOptions): Promise<Map<string, Book>> {
    if (options?.fresh) return this.inner.getMany(ids);
    const cached = (await this.useCache('get', () => this.cache.getMany(ids))) ?? new Map<string, Book | null>();
    const missing = ids.filter((id) => !cached.has(id));
    const fetched = missing.length > 0 ? await this.inner.getMany(missing) : new Map<string, Book>();
    if (fetched.size > 0) await this.useCache('fill', () => this.cache.put([...fetched.values()]));
    const found = new Map<string, Book>();
    for (const id of ids) {
      const book = cached.get(id) ?? fetched.get(id);
      if (book) found.set(id, book);
    }
    return found;
  }

  /**
   * Always the system of record: stock changes with every sale, and sales move it in the orders'
   * transactions, not through this catalog, so the cache learns of them only from the change feed: its
   * stock would trail every sale by the projection's lag, and by as long as the projection is stalled.
   */
  stockOf(ids: readonly string[]): Promise<Map<string, number | null>> {
    return this.inner.stockOf(ids);
  }

  findByIsbn(isbn: string): Promise<Book | null> {
    return this.inner.findByIsbn(isbn);
  }

  list(request: PageRequest & { category?: string | undefined }): Promise<Page<Book>> {
    return this.inner.list(request);
  }

  categories(): Promise<CategoryCount[]> {
    return this.inner.categories();
  }

  async update(id: string, patch: Partial<BookInput>, expectedVersion?: number): Promise<Book> {
    const book = await this.inner.update(id, patch, expectedVersion);
    await this.useCache('put', () => this.cache.put([book]));
    return book;
  }

  async delete(id: string, expectedVersion?: number): Promise<void> {
    await this.inner.delete(id, expectedVersion);
    await this.useCache('forget', () => this.cache.forget([id]));
  }

  upsertByIsbn(inputs: readonly BookInput[]): Promise<UpsertSummary> {
    return this.inner.upsertByIsbn(inputs);
  }

  /** Runs one cache operation unless the cache is paused; a failure pauses it and answers undefined. */
  private async useCache<T>(operation: string, work: () => Promise<T>): Promise<T | undefined> {
    if (this.now() < this.pausedUntil) return undefined;
    try {
      return await work();
    } catch (error) {
      this.pausedUntil = this.now() + this.pauseMs;
      this.onCacheError(error, operation);
      return undefined;
    }
  }
}
