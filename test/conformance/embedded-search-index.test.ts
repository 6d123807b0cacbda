import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteSearchIndex } from '../../src/adapters/embedded/sqlite-search-index.js';
import type { SearchDocument } from '../../src/ports/search-index.js';
import { searchIndexConformance } from './search-index.js';

const dir = mkdtempSync(join(tmpdir(), 'bookstore-search-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
const freshFile = () => join(dir, `search-${++files}.db`);

searchIndexConformance(async () => {
  const index = SqliteSearchIndex.open(freshFile());
  return { index, close: () => index.close() };
});

function doc(id: string, title: string, version = 1): SearchDocument {
  return { id, isbn: '9780000000001', title, authors: ['Some One'], category: 'Fiction', description: '', price: 1000, currency: 'USD', coverUrl: null, rating: 3, year: 2000, version };
}

/** What the port cannot express: the server and the CLI hold the same file open, each with its own caches. */
describe('embedded search index shared by two handles on one file', () => {
  it('each handle sees the writes of the other, in hits, totals, facets and suggestions', async () => {
    const file = freshFile();
    const [server, cli] = [SqliteSearchIndex.open(file), SqliteSearchIndex.open(file)];
    try {
      await server.upsert([doc('a', 'Lantern Keeper')]);
      expect((await cli.search({ q: 'lantern', sort: 'relevance', limit: 10 })).total).toBe(1);
      expect((await server.search({ q: '', sort: 'relevance', limit: 10 })).total).toBe(1);

      await cli.upsert([doc('b', 'Lantern Maker'), { ...doc('a', 'Lantern Keeper', 2), category: 'Poetry' }]);
      const seen = await server.search({ q: 'lantern', sort: 'relevance', limit: 10 });
      expect(seen.total).toBe(2);
      expect(Object.fromEntries(seen.facets.categories.map((f) => [f.value, f.count]))).toEqual({ Fiction: 1, Poetry: 1 });
      expect((await server.suggest('lantern m', 5)).map((s) => s.bookId)).toEqual(['b']);

      await cli.remove([{ id: 'b', version: 1 }]);
      expect((await server.search({ q: '', sort: 'relevance', limit: 10 })).total).toBe(1);
      expect(await server.suggest('lantern m', 5)).toEqual([]);

      // Removed and added again between two reads of the other handle: counted once.
      await cli.remove([{ id: 'a', version: 2 }]);
      await cli.upsert([doc('a', 'Lantern Keeper', 3)]);
      const readded = await server.search({ q: '', sort: 'relevance', limit: 10 });
      expect(readded.hits.map((h) => h.book.id)).toEqual(['a']);
      expect(readded.total).toBe(1);
      expect(readded.facets.categories).toEqual([{ value: 'Fiction', count: 1 }]);
    } finally {
      await Promise.all([server.close(), cli.close()]);
    }
  });

  it('a rebuild through one handle replaces what the other reads and writes', async () => {
    const file = freshFile();
    const [server, cli] = [SqliteSearchIndex.open(file), SqliteSearchIndex.open(file)];
    try {
      await server.upsert([doc('old', 'Copper Kettle')]);
      expect((await server.search({ q: 'kettle', sort: 'relevance', limit: 10 })).total).toBe(1);

      await cli.rebuild(async (write) => write([doc('new', 'Silver Kettle')]));

      const after = await server.search({ q: 'kettle', sort: 'price_asc', limit: 10 });
      expect(after.hits.map((h) => h.book.id)).toEqual(['new']);
      expect(after.total).toBe(1);
      await server.upsert([doc('more', 'Golden Kettle')]);
      expect((await cli.search({ q: 'kettle', sort: 'relevance', limit: 10 })).total).toBe(2);
      expect(await cli.count()).toBe(2);
    } finally {
      await Promise.all([server.close(), cli.close()]);
    }
  });
});

/** Broad matches sorted by rating keep only the best-rated buckets for the heap (attribute-store.ts); the pages must not change. */
describe('embedded search index sorted by rating over many matches', () => {
  it('gives every page in (rating, id) order, ties and fractional ratings included', async () => {
    const index = SqliteSearchIndex.open(freshFile(), { rankingSnapshot: null });
    try {
      // Ratings crowd a few tenths, some a hair apart inside one tenth, so pages cut through ties.
      const ratings = [5, 4.99, 4.95, 4.9, 4.3, 4.29, 4.25, 4.2, 4.2, 4.2, 3, 0, 0.05];
      const docs = Array.from({ length: 1500 }, (_, i) => ({
        ...doc(`k-${String((i * 7919) % 1500).padStart(4, '0')}`, `Harbour ${i % 3 === 0 ? 'Lights' : 'Tales'} ${i}`),
        rating: ratings[i % ratings.length]!,
      }));
      await index.upsert(docs);
      const expected = [...docs].sort((a, b) => b.rating - a.rating || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      for (const q of ['', 'harbour', 'lights']) {
        const matching = expected.filter((d) => q === '' || d.title.toLowerCase().includes(q));
        for (const [page, limit] of [[1, 10], [2, 10], [7, 13], [1, 50], [20, 50]] as const) {
          const result = await index.search({ q, sort: 'rating', page, limit });
          expect(result.hits.map((h) => h.book.id), `${q} page ${page} of ${limit}`).toEqual(matching.slice((page - 1) * limit, page * limit).map((d) => d.id));
        }
      }
    } finally {
      await index.close();
    }
  });
});
