import { describe, expect, it } from 'vitest';
import { SuggestBooks } from '../../src/adapters/embedded/search/suggest-books.js';
import { candidateOf, suggestionText } from '../../src/adapters/search-text/suggestions.js';
import { planQuery } from '../../src/adapters/search-text/query-plan.js';
import { parseQuery } from '../../src/adapters/search-text/query-text.js';
import type { SearchDocument } from '../../src/ports/search-index.js';

function book(key: number, title = `Title ${key}`): SearchDocument {
  return {
    id: `b-${key}`,
    isbn: String(key),
    title,
    authors: [`Author ${key}`, 'Zoë Brontë'],
    category: 'Fiction',
    description: 'A long description the suggestions never read.',
    price: 1000,
    currency: 'EUR',
    coverUrl: key % 2 === 0 ? `https://covers.example/${key}.jpg` : null,
    rating: key / 10,
    year: 2000,
    version: 1,
  };
}

/** A store over made-up books that records which keys it had to read. */
function store(capacity: number, stored: Map<number, SearchDocument>) {
  const reads: number[][] = [];
  const books = new SuggestBooks(capacity, (keys) => {
    reads.push([...keys]);
    return keys.flatMap((k) => (stored.has(k) ? [[k, stored.get(k)!] as const] : []));
  });
  return { books, reads };
}

describe('SuggestBooks', () => {
  it('gives the stored books in key order, with their terms split, reading only those not held', () => {
    const stored = new Map([3, 1, 2].map((k) => [k, book(k)]));
    const { books, reads } = store(10, stored);
    const first = books.get([3, 1, 9]);
    expect(first.map((b) => b.id)).toEqual(['b-1', 'b-3']);
    expect(first[1]).toMatchObject({
      title: { text: 'Title 3', terms: ['title', '3'], joined: 'title 3' },
      authorNames: ['Author 3', 'Zoë Brontë'],
      authors: [suggestionText('Author 3'), { text: 'Zoë Brontë', terms: ['zoe', 'bronte'], joined: 'zoe bronte' }],
      coverUrl: null,
      rating: 0.3,
    });
    expect(books.get([2, 3, 1]).map((b) => b.id)).toEqual(['b-1', 'b-2', 'b-3']);
    // 9 is not stored: it is asked for again rather than remembered as missing.
    expect(reads).toEqual([[3, 1, 9], [2]]);
  });

  it('reads a written or removed book again, and every book after a reload', () => {
    const stored = new Map([1, 2, 3].map((k) => [k, book(k)]));
    const { books, reads } = store(10, stored);
    books.get([1, 2, 3]);
    stored.set(2, book(2, 'Retitled'));
    books.written(2);
    stored.delete(3);
    books.removed(3);
    expect(books.get([1, 2, 3]).map((b) => b.title.text)).toEqual(['Title 1', 'Retitled']);
    books.reloaded();
    expect(books.size).toBe(0);
    books.get([1]);
    expect(reads).toEqual([[1, 2, 3], [2, 3], [1]]);
  });

  it('holds at most its capacity, keeping the books asked for again', () => {
    const stored = new Map(Array.from({ length: 100 }, (_, k) => [k, book(k)]));
    const { books, reads } = store(20, stored);
    books.get([0, 1]);
    for (let k = 2; k < 100; k++) {
      books.get([0, k]);
      expect(books.size).toBeLessThanOrEqual(20);
    }
    // 0 was asked for every time, so it stayed; 1 was not, and went with its generation.
    reads.length = 0;
    books.get([0, 1, 99]);
    expect(reads).toEqual([[1]]);
  });
});

describe('candidateOf on split text', () => {
  it('decides as on the plain text', () => {
    const plan = planQuery(parseQuery('the se'), { df: () => 1, hasPrefix: () => true, neighbours: () => [] });
    for (const text of ['The Sea', 'Under the Sea', 'The Long Sea', 'Thé Séance', 'Other']) {
      expect(candidateOf(plan, 'the se', suggestionText(text), 4, 'b-1', { authors: [], coverUrl: null })).toEqual(
        candidateOf(plan, 'the se', text, 4, 'b-1', { authors: [], coverUrl: null }),
      );
    }
  });
});
