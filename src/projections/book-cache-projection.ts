import type { Book } from '../domain/book.js';
import type { Change } from '../domain/change-event.js';
import type { BookCache } from '../ports/book-cache.js';
import type { Projection } from './projection.js';

/**
 * Keeps a book cache no staler than the change feed: every book change the write path could not put
 * in the cache itself (a crash right after the commit, an unreachable cache, an import) arrives here.
 * The cache's versions make redelivered and out-of-order events harmless.
 */
export class BookCacheProjection implements Projection {
  readonly name = 'book-cache' as const;
  readonly entities = ['book'] as const;
  /** A rebuild reads nothing: an emptied cache fills again from reads. */
  readonly sources = [] as const;

  constructor(private readonly cache: BookCache) {}

  async apply(events: readonly Change[]): Promise<void> {
    const latest = new Map<string, Book | null>();
    for (const e of events) {
      if (e.entity !== 'book') continue;
      if (e.op === 'remove') latest.set(e.key, null);
      else if (e.newImage) latest.set(e.key, e.newImage);
    }
    const books = [...latest.values()].filter((b): b is Book => b !== null);
    const removed = [...latest].filter(([, b]) => b === null).map(([id]) => id);
    if (books.length > 0) await this.cache.put(books);
    if (removed.length > 0) await this.cache.forget(removed);
  }

  async rebuild(): Promise<void> {
    await this.cache.clear();
  }
}
