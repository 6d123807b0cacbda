import type { Book } from '../domain/book.js';

/**
 * A shared cache of catalog books in front of the system of record. Every entry is versioned, so
 * writers may race in any order (the API's own writes, reads that fill a miss, the change feed) and
 * the cache still never goes back to an older copy of a book, nor revives a deleted one.
 */
export interface BookCache {
  /** The cached entries among `ids`: a book, or `null` for a book known deleted; ids not cached are absent. */
  getMany(ids: readonly string[]): Promise<Map<string, Book | null>>;
  /** Caches each book unless the cache holds a newer version of it or knows it deleted. */
  put(books: readonly Book[]): Promise<void>;
  /** Remembers these books as deleted, so no copy of them is cached again (book ids are never reused). */
  forget(ids: readonly string[]): Promise<void>;
  /** Drops every entry; reads fill the cache again. */
  clear(): Promise<void>;
}
