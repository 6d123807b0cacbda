import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/domain/errors.js';
import { PRICE_RANGES, SEARCH_MAX_PAGE, type SearchDocument, type SearchIndex, type SearchQuery, type SearchResult } from '../../src/ports/search-index.js';

type MakeIndex = () => Promise<{ index: SearchIndex; close(): Promise<void> }>;

let isbnSeq = 0;
function book(id: string, fields: Partial<SearchDocument> = {}): SearchDocument {
  isbnSeq += 1;
  return {
    id,
    isbn: String(9780000000000 + isbnSeq),
    title: `Untitled ${id}`,
    authors: ['Anonymous Writer'],
    category: 'Fiction',
    description: 'A story.',
    price: 1000,
    currency: 'USD',
    coverUrl: null,
    rating: 3,
    year: 2000,
    version: 1,
    ...fields,
  };
}

function query(q: string, fields: Partial<SearchQuery> = {}): SearchQuery {
  return { q, sort: 'relevance', limit: 20, ...fields };
}

const ids = (result: SearchResult) => result.hits.map((h) => h.book.id);

/** What is left once the marks are taken out must be inert text: no tag can come from the book. */
function expectHtmlSafe(html: string | undefined): void {
  expect(html).toBeDefined();
  expect(html!.replaceAll('<mark>', '').replaceAll('</mark>', '')).not.toMatch(/[<>]/);
}

async function allPages(index: SearchIndex, q: SearchQuery): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 100; page++) {
    const result = await index.search({ ...q, cursor });
    seen.push(...ids(result));
    if (result.nextCursor === null) return seen;
    cursor = result.nextCursor;
  }
  throw new Error('pagination did not end');
}

const CLASSICS = [
  book('hp1', { title: "Harry Potter and the Philosopher's Stone", authors: ['J. K. Rowling'], category: 'Fantasy', description: 'A boy learns he is a wizard.', price: 1299, rating: 4.8, year: 1997 }),
  book('hob', { title: 'The Hobbit', authors: ['J. R. R. Tolkien'], category: 'Fantasy', description: 'A hobbit is swept into a quest for treasure.', price: 999, rating: 4.7, year: 1937 }),
  book('pnp', { title: 'Pride and Prejudice', authors: ['Jane Austen'], category: 'Classics', description: 'Elizabeth Bennet meets Mr Darcy.', price: 599, rating: 4.5, year: 1813 }),
  book('dun', { title: 'Dune', authors: ['Frank Herbert'], category: 'Science Fiction', description: 'Spice, sandworms and a desert planet.', price: 1899, rating: 4.6, year: 1965 }),
];

export function searchIndexConformance(make: MakeIndex): void {
  async function withIndex(test: (index: SearchIndex) => Promise<void>): Promise<void> {
    const { index, close } = await make();
    try {
      await test(index);
    } finally {
      await close();
    }
  }

  describe('SearchIndex conformance', () => {
    describe('matching', () => {
      it('ranks a title match above an authors match above a description-only match', () =>
        withIndex(async (index) => {
          await index.upsert([
            book('desc', { title: 'Journey Home', description: 'An old dragon sleeps under the hill.' }),
            book('title', { title: 'Dragon Tales', description: 'An old bear sleeps under the hill.' }),
            book('author', { title: 'Mountain Songs', authors: ['Mary Dragon'], description: 'An old bear sleeps under the hill.' }),
            book('none', { title: 'Quiet Waters', description: 'Nothing to see.' }),
          ]);
          const result = await index.search(query('dragon'));
          expect(ids(result)).toEqual(['title', 'author', 'desc']);
          expect(result.total).toBe(3);
          expect(result.hits[0]!.score).toBeGreaterThan(result.hits[2]!.score);
        }));

      it('ignores case and diacritics, in the text and in the query', () =>
        withIndex(async (index) => {
          await index.upsert([book('zola', { title: 'Émile Zola: Thérèse Raquin' })]);
          for (const q of ['emile', 'EMILE', 'Émile', 'therese raquin', 'THÉRÈSE']) expect(ids(await index.search(query(q))), q).toEqual(['zola']);
        }));

      it('matches the last term as a prefix while it is being typed, not after a space', () =>
        withIndex(async (index) => {
          await index.upsert(CLASSICS);
          expect(ids(await index.search(query('hobb')))).toEqual(['hob']);
          expect(ids(await index.search(query('the hobb')))).toEqual(['hob']);
          expect(ids(await index.search(query('hobb ')))).toEqual([]);
          // Only the last term is a prefix: "hob" as a finished word matches nothing.
          expect(ids(await index.search(query('hob ')))).toEqual([]);
        }));

      it('requires every term but stop words while some book matches them all', () =>
        withIndex(async (index) => {
          await index.upsert(CLASSICS);
          expect(ids(await index.search(query('hobbit tolkien')))).toEqual(['hob']);
          expect(ids(await index.search(query('harry potter')))).toEqual(['hp1']);
          const stopWords = await index.search(query('the hobbit by tolkien'));
          expect(ids(stopWords)).toEqual(['hob']);
          expect(stopWords.correctedQuery).toBeUndefined();
        }));

      it('relaxes a query no book matches whole to the books matching most of it, and says what it searched', () =>
        withIndex(async (index) => {
          await index.upsert(CLASSICS);
          // The books matching most of the query come first: all but one term before any matching one.
          // (The embedded index stops there; OpenSearch may list books matching fewer terms after them.)
          const relaxed = await index.search(query('hobbit tolkien rowling '));
          expect(ids(relaxed)[0]).toBe('hob');
          expect(relaxed.total).toBeGreaterThanOrEqual(1);
          expect(relaxed.correctedQuery).toBe('hobbit tolkien');
          const twoWords = await index.search(query('hobbit rowling '));
          expect(ids(twoWords).sort()).toEqual(['hob', 'hp1']);
          // Searching the words exactly as typed neither corrects nor relaxes.
          const exact = await index.search(query('hobbit tolkien rowling ', { autocorrect: false }));
          expect(ids(exact)).toEqual([]);
          expect(exact.correctedQuery).toBeUndefined();
          expect(ids(await index.search(query('hary poter', { autocorrect: false })))).toEqual([]);
        }));

      it('corrects typos and says what it searched for', () =>
        withIndex(async (index) => {
          await index.upsert(CLASSICS);
          const cases: Array<[string, string, string]> = [
            ['hary poter', 'hp1', 'harry potter'],
            ['tolkein hobit', 'hob', 'tolkien hobbit'],
            ['pride prejudise', 'pnp', 'pride prejudice'],
          ];
          for (const [q, id, corrected] of cases) {
            const result = await index.search(query(q));
            expect(ids(result), q).toEqual([id]);
            expect(result.correctedQuery, q).toBe(corrected);
          }
          const exact = await index.search(query('hobbit'));
          expect(exact.correctedQuery).toBeUndefined();
        }));

      it('corrects three-letter terms by one edit but not their first letter, and finds nothing for a term far from every word', () =>
        withIndex(async (index) => {
          await index.upsert(CLASSICS);
          expect(ids(await index.search(query('dne ')))).toEqual(['dun']);
          expect(ids(await index.search(query('une ')))).toEqual([]);
          expect(ids(await index.search(query('dn ')))).toEqual([]);
          expect(ids(await index.search(query('qwxzkj ')))).toEqual([]);
        }));

      it('ranks exact matches above typo matches of a much more common word', () =>
        withIndex(async (index) => {
          const harrys = Array.from({ length: 12 }, (_, i) =>
            book(`harry-${String(i).padStart(2, '0')}`, { title: `Harry Stories ${['one', 'two', 'three'][i % 3]}`, rating: 5 }),
          );
          await index.upsert([...harrys, book('hary', { title: 'Hary Hedgehog', rating: 1 })]);
          const result = await index.search(query('hary '));
          expect(result.hits[0]!.book.id).toBe('hary');
          expect(result.total).toBe(13);
          expect(result.correctedQuery).toBe('harry');
        }));

      it('never lets the query text act as query syntax', () =>
        withIndex(async (index) => {
          await index.upsert([...CLASSICS, book('ttl', { title: 'Wizard Notes', description: 'A title about harry and his friends.' })]);
          const hostile = [
            '"',
            '""',
            '"harry',
            'harry"',
            'AND',
            'harry AND',
            'OR hobbit',
            'NOT',
            'NEAR(',
            'NEAR(harry potter, 2)',
            '*',
            'harry*',
            '-',
            '-harry',
            '+',
            '^',
            'title:x',
            'title:harry',
            '{title}: harry',
            '(',
            ')',
            '(harry',
            'harry)',
            ':',
            "'",
            '\\',
            '%',
            '_',
            '\u0000',
            '🙂',
            'a'.repeat(1000),
            'harry '.repeat(200),
            '"'.repeat(1000),
          ];
          for (const q of hostile) {
            const result = await index.search(query(q));
            expect(Array.isArray(result.hits), q).toBe(true);
            expect(Array.isArray(await index.suggest(q, 5)), q).toBe(true);
          }
          // Operators and column filters are plain words or separators.
          expect(ids(await index.search(query('title:harry')))).toEqual(['ttl']);
          expect(ids(await index.search(query('"harry potter')))).toEqual(['hp1']);
          expect(ids(await index.search(query('-harry potter')))).toEqual(['hp1']);
          // NOT is a word no book holds: the query relaxes, and the book matching the other two comes first.
          expect(ids(await index.search(query('harry NOT potter')))[0]).toBe('hp1');
        }));

      it('matches every book for an empty or blank query', () =>
        withIndex(async (index) => {
          await index.upsert(CLASSICS);
          for (const q of ['', '   ', '\t\n']) {
            const result = await index.search(query(q));
            expect(result.total, JSON.stringify(q)).toBe(CLASSICS.length);
            expect(result.correctedQuery).toBeUndefined();
          }
        }));
    });

    describe('filters, sorts and facets', () => {
      const SHELF = [
        book('a1', { title: 'Sea Stories One', category: 'Adventure', price: 500, rating: 4.0, year: 2001 }),
        book('a2', { title: 'Sea Stories Two', category: 'Adventure', price: 1500, rating: 3.5, year: 2010 }),
        book('a3', { title: 'Sea Stories Three', category: 'Adventure', price: 2500, rating: 4.5, year: 1999 }),
        book('b1', { title: 'Sea Poems', category: 'Poetry', price: 800, rating: 2.0, year: 2020 }),
        book('b2', { title: 'Sea Sonnets', category: 'Poetry', price: 6000, rating: 5.0, year: 1990 }),
        book('c1', { title: 'Land Stories', category: 'Adventure', price: 1000, rating: 4.0, year: 2005 }),
      ];

      it('filters by exact category, inclusive price bounds and minimum rating', () =>
        withIndex(async (index) => {
          await index.upsert(SHELF);
          expect(ids(await index.search(query('sea', { category: 'Poetry' }))).sort()).toEqual(['b1', 'b2']);
          expect(ids(await index.search(query('sea', { category: 'poetry' })))).toEqual([]);
          expect(ids(await index.search(query('sea', { minPrice: 800, maxPrice: 2500 }))).sort()).toEqual(['a2', 'a3', 'b1']);
          expect(ids(await index.search(query('', { minPrice: 1000, maxPrice: 1000 })))).toEqual(['c1']);
          expect(ids(await index.search(query('sea', { minRating: 4.5 }))).sort()).toEqual(['a3', 'b2']);
          const all = await index.search(query('', { category: 'Adventure', minRating: 4, maxPrice: 2000 }));
          expect(ids(all).sort()).toEqual(['a1', 'c1']);
          expect(all.total).toBe(2);
        }));

      it('sorts by price, rating and year with ties broken by id', () =>
        withIndex(async (index) => {
          await index.upsert(SHELF);
          expect(ids(await index.search(query('', { sort: 'price_asc' })))).toEqual(['a1', 'b1', 'c1', 'a2', 'a3', 'b2']);
          expect(ids(await index.search(query('', { sort: 'price_desc' })))).toEqual(['b2', 'a3', 'a2', 'c1', 'b1', 'a1']);
          expect(ids(await index.search(query('', { sort: 'rating' })))).toEqual(['b2', 'a3', 'a1', 'c1', 'a2', 'b1']);
          expect(ids(await index.search(query('', { sort: 'newest' })))).toEqual(['b1', 'a2', 'c1', 'a1', 'a3', 'b2']);
          expect(ids(await index.search(query('sea', { sort: 'price_asc' })))).toEqual(['a1', 'b1', 'a2', 'a3', 'b2']);
          expect(ids(await index.search(query('stories', { sort: 'rating' })))).toEqual(['a3', 'a1', 'c1', 'a2']);
        }));

      it('orders an empty query by rating, then id, under relevance', () =>
        withIndex(async (index) => {
          await index.upsert(SHELF);
          expect(ids(await index.search(query('')))).toEqual(['b2', 'a3', 'a1', 'c1', 'a2', 'b1']);
        }));

      it('counts disjunctive facets: each ignores its own filter but applies the others', () =>
        withIndex(async (index) => {
          await index.upsert(SHELF);
          const result = await index.search(query('sea', { category: 'Adventure', maxPrice: 2000 }));
          expect(ids(result).sort()).toEqual(['a1', 'a2']);
          expect(result.total).toBe(2);
          const categories = Object.fromEntries(result.facets.categories.map((f) => [f.value, f.count]));
          // Price filter applied, category filter not: a1, a2 (Adventure) and b1 (Poetry).
          expect(categories.Adventure).toBe(2);
          expect(categories.Poetry).toBe(1);
          // Category filter applied, price filter not: a1, a2, a3.
          expect(result.facets.priceRanges).toEqual(
            PRICE_RANGES.map((r) => ({ ...r, count: { '0-10': 1, '10-20': 1, '20-30': 1 }[r.key] ?? 0 })),
          );

          // Only a category filter: the category facet counts every category, the price ranges the filtered one.
          const adventure = await index.search(query('sea', { category: 'Adventure' }));
          expect(adventure.total).toBe(3);
          expect(Object.fromEntries(adventure.facets.categories.map((f) => [f.value, f.count]))).toEqual({ Adventure: 3, Poetry: 2 });
          expect(adventure.facets.priceRanges.map((r) => r.count)).toEqual([1, 1, 1, 0, 0]);
          const unfiltered = await index.search(query('sea'));
          expect(unfiltered.total).toBe(5);
          expect(unfiltered.facets.priceRanges.map((r) => r.count)).toEqual([2, 1, 1, 0, 1]);

          const rated = await index.search(query('', { minRating: 4 }));
          expect(Object.fromEntries(rated.facets.categories.map((f) => [f.value, f.count]))).toEqual({ Adventure: 3, Poetry: 1 });
          expect(rated.facets.priceRanges.map((r) => r.count)).toEqual([1, 1, 1, 0, 1]);
          expect(rated.total).toBe(4);
        }));

      it('returns every hit exactly once across pages, for every sort', () =>
        withIndex(async (index) => {
          const docs = Array.from({ length: 23 }, (_, i) =>
            book(`p${String(i).padStart(2, '0')}`, { title: `Paging Book ${i % 4 === 0 ? 'special' : 'plain'}`, price: 1000 + (i % 3) * 100, rating: (i % 5) + 0.5, year: 2000 + (i % 2) }),
          );
          await index.upsert(docs);
          for (const sort of ['relevance', 'price_asc', 'price_desc', 'rating', 'newest'] as const) {
            for (const q of ['paging', '']) {
              const seen = await allPages(index, query(q, { sort, limit: 5 }));
              expect(seen.length, `${sort} ${q}`).toBe(23);
              expect(new Set(seen).size, `${sort} ${q}`).toBe(23);
            }
          }
          const first = await index.search(query('paging', { limit: 5 }));
          expect(first.total).toBe(23);
          expect(first.hits).toHaveLength(5);
          expect(first.nextCursor).not.toBeNull();
          const last = await index.search(query('paging', { limit: 50 }));
          expect(last.nextCursor).toBeNull();
        }));

      it('answers a numbered page with the hits the cursors reach there, for every sort', () =>
        withIndex(async (index) => {
          const docs = Array.from({ length: 11 }, (_, i) =>
            book(`n${String(i).padStart(2, '0')}`, { title: `Numbered Book ${i % 2 === 0 ? 'even' : 'odd'}`, price: 1000 + (i % 4) * 100, rating: (i % 5) + 0.5, year: 2000 + (i % 3) }),
          );
          await index.upsert(docs);
          for (const sort of ['relevance', 'price_asc', 'price_desc', 'rating', 'newest'] as const) {
            for (const q of ['numbered', '']) {
              const byCursor = await allPages(index, query(q, { sort, limit: 4 }));
              const byPage: string[] = [];
              for (const page of [1, 2, 3]) {
                const result = await index.search(query(q, { sort, limit: 4, page }));
                expect(result.total, `${sort} ${q} ${page}`).toBe(11);
                byPage.push(...ids(result));
              }
              expect(byPage, `${sort} ${q}`).toEqual(byCursor);
              // The cursor a numbered page hands out continues from it.
              const second = await index.search(query(q, { sort, limit: 4, page: 2 }));
              const third = await index.search(query(q, { sort, limit: 4, cursor: second.nextCursor! }));
              expect(ids(third), `${sort} ${q}`).toEqual(byCursor.slice(8));
              expect((await index.search(query(q, { sort, limit: 4, page: 4 }))).hits, `${sort} ${q}`).toEqual([]);
            }
          }
        }));

      it('refuses a page number out of bounds or together with a cursor', () =>
        withIndex(async (index) => {
          await index.upsert(Array.from({ length: 3 }, (_, i) => book(`q${i}`, { title: 'Bounded Book' })));
          const first = await index.search(query('bounded', { limit: 1 }));
          for (const bad of [{ page: 0 }, { page: SEARCH_MAX_PAGE + 1 }, { page: 1.5 }, { page: 2, cursor: first.nextCursor! }]) {
            const error = await index.search(query('bounded', { limit: 1, ...bad })).catch((e: unknown) => e);
            expect(error, JSON.stringify(bad)).toBeInstanceOf(ValidationError);
            expect((error as ValidationError).issues[0]!.field).toBe('page');
          }
          const deepest = await index.search(query('bounded', { limit: 50, page: SEARCH_MAX_PAGE }));
          expect(deepest.hits).toEqual([]);
          expect(deepest.total).toBe(3);
        }));

      it('rejects a malformed cursor and a cursor from another search', () =>
        withIndex(async (index) => {
          await index.upsert(Array.from({ length: 5 }, (_, i) => book(`c${i}`, { title: 'Cursor Book' })));
          const first = await index.search(query('cursor', { limit: 2 }));
          expect(first.nextCursor).not.toBeNull();
          const bad = ['not a cursor', '!!!', 'eyJ4IjoxfQ', first.nextCursor!.slice(0, -3)];
          for (const cursor of bad) {
            const error = await index.search(query('cursor', { limit: 2, cursor })).catch((e: unknown) => e);
            expect(error, cursor).toBeInstanceOf(ValidationError);
            expect((error as ValidationError).issues[0]!.field).toBe('cursor');
          }
          for (const other of [query('book', { limit: 2 }), query('cursor', { limit: 2, sort: 'price_asc' }), query('cursor', { limit: 2, minRating: 1 })]) {
            const error = await index.search({ ...other, cursor: first.nextCursor! }).catch((e: unknown) => e);
            expect(error).toBeInstanceOf(ValidationError);
            expect((error as ValidationError).issues[0]!.field).toBe('cursor');
          }
          const second = await index.search(query('cursor', { limit: 2, cursor: first.nextCursor! }));
          expect(second.hits).toHaveLength(2);
        }));
    });

    describe('highlights', () => {
      it('escapes the book text and marks exact, prefix and corrected matches', () =>
        withIndex(async (index) => {
          await index.upsert([
            book('x', {
              title: 'Cats <b>&</b> Dogs',
              authors: ['Tom "Kitty" O\'Cat'],
              description: `Chapter one. <script>alert("cats")</script> ${'filler words here '.repeat(30)} The cats came back at the end.`,
            }),
            book('hp', { title: 'Harry Potter', description: 'Wizards.' }),
          ]);
          const [hit] = (await index.search(query('cats'))).hits;
          expect(hit!.highlights.title).toContain('<mark>Cats</mark>');
          expect(hit!.highlights.title).toContain('&lt;b&gt;&amp;&lt;/b&gt;');
          expect(hit!.highlights.description).toContain('<mark>cats</mark>');
          expect(hit!.highlights.description).not.toContain('<script>');
          expect(hit!.highlights.description!.length).toBeLessThan(400);
          for (const html of Object.values(hit!.highlights)) expectHtmlSafe(html);

          const [prefixHit] = (await index.search(query('ca'))).hits;
          expect(prefixHit!.highlights.title).toContain('<mark>Cats</mark>');
          const [fuzzyHit] = (await index.search(query('hary'))).hits;
          expect(fuzzyHit!.highlights.title).toBe('<mark>Harry</mark> Potter');
        }));
    });

    describe('versioned writes', () => {
      it('ignores an upsert older than or as old as the stored version', () =>
        withIndex(async (index) => {
          await index.upsert([book('v', { title: 'Second Edition', version: 2 })]);
          await index.upsert([book('v', { title: 'First Edition', version: 1 })]);
          await index.upsert([book('v', { title: 'Other Second', version: 2 })]);
          expect(ids(await index.search(query('first')))).toEqual([]);
          expect(ids(await index.search(query('other')))).toEqual([]);
          const [hit] = (await index.search(query('second edition'))).hits;
          expect(hit!.book).toEqual(book('v', { isbn: hit!.book.isbn, title: 'Second Edition', version: 2 }));
          await index.upsert([book('v', { title: 'Third Edition', version: 3 })]);
          expect(ids(await index.search(query('third')))).toEqual(['v']);
          expect(ids(await index.search(query('second')))).toEqual([]);
        }));

      it('keeps a tombstone so an older upsert cannot bring a removed book back', () =>
        withIndex(async (index) => {
          await index.upsert([book('r', { title: 'Removable', version: 3 }), book('s', { title: 'Staying', version: 1 })]);
          await index.remove([{ id: 'r', version: 4 }]);
          expect(await index.count()).toBe(1);
          await index.upsert([book('r', { title: 'Removable', version: 3 }), book('r', { title: 'Removable', version: 4 })]);
          expect(ids(await index.search(query('removable')))).toEqual([]);
          expect(await index.count()).toBe(1);
          await index.upsert([book('r', { title: 'Removable Again', version: 5 })]);
          expect(ids(await index.search(query('removable again')))).toEqual(['r']);
          expect(await index.count()).toBe(2);
        }));

      it('ignores a removal older than the stored book, and remembers removals of unknown books', () =>
        withIndex(async (index) => {
          await index.upsert([book('k', { title: 'Kept', version: 5 })]);
          await index.remove([{ id: 'k', version: 4 }]);
          expect(ids(await index.search(query('kept')))).toEqual(['k']);
          await index.remove([{ id: 'ghost', version: 2 }]);
          await index.upsert([book('ghost', { title: 'Ghost', version: 1 })]);
          expect(ids(await index.search(query('ghost')))).toEqual([]);
          expect(await index.count()).toBe(1);
        }));

      it('applies redelivered batches idempotently and counts only live books', () =>
        withIndex(async (index) => {
          expect(await index.count()).toBe(0);
          const batch = Array.from({ length: 1000 }, (_, i) => book(`bulk-${String(i).padStart(4, '0')}`, { title: `Bulk ${i}`, category: i % 2 ? 'Odd' : 'Even' }));
          await index.upsert(batch);
          await index.upsert(batch);
          expect(await index.count()).toBe(1000);
          await index.remove(batch.slice(0, 10).map((b) => ({ id: b.id, version: b.version })));
          await index.remove(batch.slice(0, 10).map((b) => ({ id: b.id, version: b.version })));
          expect(await index.count()).toBe(990);
          const result = await index.search(query('bulk'));
          expect(result.total).toBe(990);
          expect(Object.fromEntries(result.facets.categories.map((f) => [f.value, f.count]))).toEqual({ Odd: 495, Even: 495 });
        }));

      it('reflects an update in text, filters and facets', () =>
        withIndex(async (index) => {
          await index.upsert([book('u', { title: 'Before Title', category: 'Old', price: 500, version: 1 })]);
          await index.upsert([book('u', { title: 'After Title', category: 'New', price: 5500, version: 2 })]);
          expect(ids(await index.search(query('before')))).toEqual([]);
          const result = await index.search(query('title'));
          expect(ids(result)).toEqual(['u']);
          expect(result.facets.categories).toEqual([{ value: 'New', count: 1 }]);
          expect(result.facets.priceRanges.find((r) => r.key === '50+')!.count).toBe(1);
          expect(ids(await index.search(query('', { category: 'Old' })))).toEqual([]);
        }));
    });

    describe('suggest', () => {
      it('completes titles (with their book) and authors, marking the typed part', () =>
        withIndex(async (index) => {
          await index.upsert(CLASSICS);
          const titles = await index.suggest('hob', 5);
          const hobbit = titles.find((s) => s.text === 'The Hobbit');
          expect(hobbit?.bookId).toBe('hob');
          expect(hobbit?.highlighted).toContain('<mark>Hob</mark>');

          const authors = await index.suggest('tolk', 5);
          const tolkien = authors.find((s) => s.text === 'J. R. R. Tolkien');
          expect(tolkien).toBeDefined();
          expect(tolkien!.bookId).toBeUndefined();
          expect(tolkien!.highlighted).toContain('<mark>Tolk</mark>');

          expect((await index.suggest('HARRY P', 5)).find((s) => s.bookId === 'hp1')).toBeDefined();
          expect(await index.suggest('', 5)).toEqual([]);
          expect(await index.suggest('   ', 5)).toEqual([]);
        }));

      it('puts leading and better rated suggestions first, without duplicates, within the limit', () =>
        withIndex(async (index) => {
          await index.upsert([
            book('d1', { title: 'Dune', rating: 4.0 }),
            book('d2', { title: 'DUNE', rating: 4.9 }),
            book('d3', { title: 'Dune Messiah', rating: 4.2 }),
            book('d4', { title: 'Walking the Dunes', rating: 5.0 }),
            book('d5', { title: 'Dunes and Deserts', rating: 3.0 }),
          ]);
          const suggestions = await index.suggest('dun', 10);
          const texts = suggestions.map((s) => s.text.toLowerCase());
          expect(new Set(texts).size).toBe(texts.length);
          expect(texts.filter((t) => t === 'dune')).toHaveLength(1);
          expect(suggestions[0]!.bookId).toBe('d2');
          expect(texts.indexOf('walking the dunes')).toBeGreaterThan(texts.indexOf('dunes and deserts'));
          expect(await index.suggest('dun', 2)).toHaveLength(2);
        }));

      it('escapes suggestions and tolerates a typo in the last word', () =>
        withIndex(async (index) => {
          await index.upsert([...CLASSICS, book('tag', { title: 'Tags <i>Everywhere</i>', rating: 1 })]);
          const [tagged] = await index.suggest('tags', 5);
          expect(tagged!.text).toBe('Tags <i>Everywhere</i>');
          expect(tagged!.highlighted).toContain('<mark>Tags</mark>');
          expectHtmlSafe(tagged!.highlighted);
          expect((await index.suggest('hobit', 5)).map((s) => s.bookId)).toContain('hob');
        }));
    });

    describe('rebuild', () => {
      it('swaps in exactly the loaded books while searches keep answering from the old index', () =>
        withIndex(async (index) => {
          await index.upsert([book('old1', { title: 'Old Orchard' }), book('old2', { title: 'Old Harbour' }), book('both', { title: 'Shared Shelf', version: 1 })]);
          let seenDuringLoad: string[] = [];
          await index.rebuild(async (write) => {
            await write([book('new1', { title: 'New Orchard' }), book('both', { title: 'Shared Shelf Revised', version: 2 })]);
            seenDuringLoad = ids(await index.search(query('orchard')));
            await write([book('new2', { title: 'New Harbour' })]);
          });
          expect(seenDuringLoad).toEqual(['old1']);
          expect(await index.count()).toBe(3);
          expect(ids(await index.search(query('orchard')))).toEqual(['new1']);
          expect(ids(await index.search(query('old')))).toEqual([]);
          expect(ids(await index.search(query('revised')))).toEqual(['both']);
          expect((await index.suggest('old', 5)).filter((s) => s.bookId !== undefined)).toEqual([]);

          await index.upsert([book('after', { title: 'After Orchard' })]);
          await index.remove([{ id: 'new1', version: 1 }]);
          expect(ids(await index.search(query('orchard')))).toEqual(['after']);
          expect(await index.count()).toBe(3);
        }));

      it('keeps the old index when the load fails', () =>
        withIndex(async (index) => {
          await index.upsert([book('keep', { title: 'Keeper' })]);
          const failure = index.rebuild(async (write) => {
            await write([book('partial', { title: 'Partial Keeper' })]);
            throw new Error('snapshot failed');
          });
          await expect(failure).rejects.toThrow('snapshot failed');
          expect(ids(await index.search(query('keeper')))).toEqual(['keep']);
          expect(await index.count()).toBe(1);
        }));
    });

    describe('audit reads and repairs', () => {
      it('lists the version of every document, not of tombstones', () =>
        withIndex(async (index) => {
          await index.upsert([book('a', { version: 3 }), book('b', { version: 1 }), book('c', { version: 2 })]);
          await index.remove([{ id: 'c', version: 3 }]);
          expect(await index.versions()).toEqual(new Map([['a', 3], ['b', 1]]));
        }));

      it('overwrites over a tombstone and a newer version, and later writes are ordered again', () =>
        withIndex(async (index) => {
          await index.upsert([book('gone', { version: 2, title: 'Gone Fishing' }), book('newer', { version: 5, title: 'Newer Edition' })]);
          await index.remove([{ id: 'gone', version: 2 }]);
          await index.upsert([book('gone', { version: 2, title: 'Gone Fishing' })]);
          expect((await index.versions()).has('gone')).toBe(false);

          await index.overwrite([book('gone', { version: 2, title: 'Gone Fishing' }), book('newer', { version: 4, title: 'Older Edition' })]);
          expect(await index.versions()).toEqual(new Map([['gone', 2], ['newer', 4]]));
          expect(ids(await index.search(query('fishing')))).toEqual(['gone']);
          expect(ids(await index.search(query('older edition')))).toEqual(['newer']);
          expect(await index.count()).toBe(2);

          await index.remove([{ id: 'gone', version: 2 }]);
          expect(await index.versions()).toEqual(new Map([['newer', 4]]));
        }));
    });
  });
}
