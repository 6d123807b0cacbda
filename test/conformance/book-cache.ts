import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Book } from '../../src/domain/book.js';
import type { BookCache } from '../../src/ports/book-cache.js';
import { bookInput } from './system-of-record.js';

interface BookCacheUnderTest {
  cache: BookCache;
  close(): Promise<void>;
}

const at = '2026-01-01T00:00:00.000Z';

function book(n: number, version: number, overrides: Partial<Book> = {}): Book {
  return { id: `01book${String(n).padStart(20, '0')}`, ...bookInput(n), version, createdAt: at, updatedAt: at, ...overrides };
}

export function bookCacheConformance(make: () => Promise<BookCacheUnderTest>): void {
  describe('BookCache conformance', () => {
    let store: BookCacheUnderTest;
    let cache: BookCache;
    beforeEach(async () => {
      store = await make();
      cache = store.cache;
    });
    afterEach(async () => {
      await store.close();
    });

    it('answers cached books whole and leaves ids it does not hold out', async () => {
      const one = book(1, 1, { authors: ['Ann', 'Bo'], coverUrl: 'https://example.com/1.jpg', description: 'Pipes | and "quotes" | kept' });
      const two = book(2, 3);
      await cache.put([one, two]);
      const found = await cache.getMany([one.id, two.id, book(3, 1).id, one.id]);
      expect([...found.keys()].sort()).toEqual([one.id, two.id].sort());
      expect(found.get(one.id)).toEqual(one);
      expect(found.get(two.id)).toEqual(two);
      expect((await cache.getMany([])).size).toBe(0);
    });

    it('never replaces a book with an older or equal version, whatever order the writes come in', async () => {
      const v2 = book(1, 2, { price: 2000 });
      await cache.put([v2]);
      await cache.put([book(1, 1, { price: 1000 })]);
      await cache.put([book(1, 2, { price: 9999 })]);
      expect((await cache.getMany([v2.id])).get(v2.id)).toEqual(v2);
      const v3 = book(1, 3, { price: 3000 });
      await cache.put([v3]);
      expect((await cache.getMany([v3.id])).get(v3.id)).toEqual(v3);
    });

    it('keeps the newest of several copies of one book written together', async () => {
      await cache.put([book(1, 4, { price: 4000 }), book(1, 2, { price: 2000 }), book(1, 3, { price: 3000 })]);
      expect((await cache.getMany([book(1, 1).id])).get(book(1, 1).id)).toMatchObject({ version: 4, price: 4000 });
    });

    it('remembers a deleted book, so no copy of it comes back', async () => {
      const gone = book(1, 5);
      const kept = book(2, 1);
      await cache.put([gone, kept]);
      await cache.forget([gone.id, book(9, 1).id]);
      await cache.put([gone, book(1, 6)]);
      const found = await cache.getMany([gone.id, kept.id, book(9, 1).id]);
      expect(found.get(gone.id)).toBeNull();
      expect(found.get(book(9, 1).id)).toBeNull();
      expect(found.get(kept.id)).toEqual(kept);
    });

    it('forgets everything on clear, and fills again afterwards', async () => {
      await cache.put([book(1, 1), book(2, 1)]);
      await cache.forget([book(3, 1).id]);
      await cache.clear();
      expect((await cache.getMany([book(1, 1).id, book(2, 1).id, book(3, 1).id])).size).toBe(0);
      await cache.put([book(1, 1)]);
      expect((await cache.getMany([book(1, 1).id])).get(book(1, 1).id)).toEqual(book(1, 1));
    });

    it('keeps caches of different stores apart', async () => {
      const other = await make();
      try {
        await cache.put([book(1, 1)]);
        expect((await other.cache.getMany([book(1, 1).id])).size).toBe(0);
        await other.cache.clear();
        expect((await cache.getMany([book(1, 1).id])).size).toBe(1);
      } finally {
        await other.close();
      }
    });
  });
}
