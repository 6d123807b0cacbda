/**
 * The embedded search index's caches hold at most their byte budgets (estimated from the text they
 * keep), dropping the least recently used first, and never answer for another version of the index.
 */
import { describe, expect, it } from 'vitest';
import { BookCache, cachedBookBytes } from '../../src/adapters/embedded/search/book-cache.js';
import { ResultCache } from '../../src/adapters/embedded/search/result-cache.js';
import type { SearchDocument } from '../../src/ports/search-index.js';

function book(key: number, descriptionLength = 500): SearchDocument {
  return {
    id: `b-${key}`,
    version: 1,
    isbn: '9780000000002',
    title: `Book ${String(key).padStart(3, '0')}`,
    authors: ['An Author'],
    category: 'Fiction',
    description: 'word '.repeat(descriptionLength / 5),
    price: 1000,
    currency: 'USD',
    rating: 4,
    year: 2000,
  } as SearchDocument;
}

const reader = (docs: (key: number) => SearchDocument) => (keys: readonly number[]) => new Map(keys.map((k) => [k, docs(k)]));

describe('BookCache', () => {
  it('holds no more than its byte budget, least recently used going first', () => {
    const perBook = cachedBookBytes(book(0));
    const cache = new BookCache(perBook * 10);
    let reads = 0;
    const read = (keys: readonly number[]) => {
      reads += keys.length;
      return reader(book)(keys);
    };
    cache.get([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], read);
    expect(cache.size).toBe(10);
    cache.get([0], read); // 0 is now the most recently used
    cache.get([10, 11], read); // evicts 1 and 2
    expect(cache.size).toBe(10);
    expect(cache.bytes).toBeLessThanOrEqual(perBook * 10);
    reads = 0;
    cache.get([0, 3, 11], read);
    expect(reads).toBe(0);
    cache.get([1], read);
    expect(reads).toBe(1);
  });

  it('counts long books for more than short ones', () => {
    const cache = new BookCache(cachedBookBytes(book(0, 500)) * 10);
    cache.get([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], reader((k) => book(k, 5000)));
    expect(cache.size).toBeLessThan(2);
    expect(cache.bytes).toBeLessThanOrEqual(cachedBookBytes(book(0, 500)) * 10);
  });

  it('still answers for books it cannot keep', () => {
    const cache = new BookCache(10);
    const got = cache.get([1, 2], reader(book));
    expect([...got.keys()]).toEqual([1, 2]);
    expect(cache.size).toBe(0);
    expect(cache.bytes).toBe(0);
  });

  it('forgets written and removed books, and everything on a reload', () => {
    const cache = new BookCache(1e9);
    cache.get([1, 2, 3], reader(book));
    cache.written(1);
    cache.removed(2);
    expect(cache.size).toBe(1);
    expect(cache.bytes).toBe(cachedBookBytes(book(3)));
    cache.reloaded();
    expect(cache.size).toBe(0);
    expect(cache.bytes).toBe(0);
  });
  it('keeps the same books as a plain least-recently-used list through reads, writes, removals and reloads', () => {
    // A Map in use order is the reference: the cache must evict exactly what it would.
    const perBook = cachedBookBytes(book(0));
    const capacity = 12;
    const cache = new BookCache(perBook * capacity);
    const reference = new Map<number, true>();
    let seed = 7;
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    for (let step = 0; step < 3000; step++) {
      const op = random(20);
      if (op === 0) {
        const key = random(40);
        cache.written(key);
        reference.delete(key);
      } else if (op === 1) {
        const key = random(40);
        cache.removed(key);
        reference.delete(key);
      } else if (op === 2 && step % 7 === 0) {
        cache.reloaded();
        reference.clear();
      } else {
        const keys = [...new Set(Array.from({ length: 1 + random(5) }, () => random(40)))];
        const got = cache.get(keys, reader(book));
        expect([...got.keys()].sort((a, b) => a - b)).toEqual([...keys].sort((a, b) => a - b));
        for (const key of keys) {
          reference.delete(key);
          reference.set(key, true);
        }
        while (reference.size > capacity) reference.delete(reference.keys().next().value!);
      }
      expect(cache.size).toBe(reference.size);
      expect(cache.bytes).toBe(perBook * reference.size);
    }
    // The same keys held: reading them reads nothing.
    let reads = 0;
    cache.get([...reference.keys()], (keys) => {
      reads += keys.length;
      return reader(book)(keys);
    });
    expect(reads).toBe(0);
  });
});

describe('ResultCache', () => {
  const sizeOf = (v: string) => v.length;

  it('holds no more than its byte budget, least recently used going first', () => {
    const cache = new ResultCache<string>(100, 30, sizeOf);
    // As the index uses it: a lookup first, which also moves the cache to that version.
    expect(cache.get('v1', 'a')).toBeUndefined();
    cache.set('v1', 'a', 'x'.repeat(10));
    cache.set('v1', 'b', 'x'.repeat(10));
    cache.set('v1', 'c', 'x'.repeat(10));
    expect(cache.get('v1', 'a')).toBeDefined(); // a is now the most recently used
    cache.set('v1', 'd', 'x'.repeat(10)); // evicts b
    expect(cache.bytes).toBe(30);
    expect(cache.get('v1', 'b')).toBeUndefined();
    expect(cache.get('v1', 'a')).toBeDefined();
    expect(cache.get('v1', 'd')).toBeDefined();
  });

  it('keeps no answer larger than the whole budget, and counts a replaced answer once', () => {
    const cache = new ResultCache<string>(100, 30, sizeOf);
    // As the index uses it: a lookup first, which also moves the cache to that version.
    expect(cache.get('v1', 'a')).toBeUndefined();
    cache.set('v1', 'a', 'x'.repeat(31));
    expect(cache.get('v1', 'a')).toBeUndefined();
    cache.set('v1', 'a', 'x'.repeat(10));
    cache.set('v1', 'a', 'y'.repeat(12));
    expect(cache.bytes).toBe(12);
    expect(cache.size).toBe(1);
  });

  it('freezes an answer and everything in it', () => {
    const cache = new ResultCache<{ hits: Array<{ highlights: { title: string }; tags: string[] }>; facets: { counts: number[] } }>(10);
    const answer = { hits: [{ highlights: { title: 'x' }, tags: ['a'] }], facets: { counts: [1, 2] } };
    cache.get('v1', 'q');
    cache.set('v1', 'q', answer);
    const held = cache.get('v1', 'q')!;
    for (const part of [held, held.hits, held.hits[0], held.hits[0]!.highlights, held.hits[0]!.tags, held.facets, held.facets.counts]) expect(Object.isFrozen(part)).toBe(true);
    expect(() => held.facets.counts.push(3)).toThrow(TypeError);
  });

  it('holds no more than its entries, and nothing of another version', () => {
    const cache = new ResultCache<string>(2, 1000, sizeOf);
    cache.get('v1', 'a');
    for (const key of ['a', 'b', 'c']) cache.set('v1', key, key);
    expect(cache.size).toBe(2);
    expect(cache.get('v1', 'a')).toBeUndefined();
    expect(cache.get('v2', 'b')).toBeUndefined();
    expect(cache.size).toBe(0);
    expect(cache.bytes).toBe(0);
  });
});
