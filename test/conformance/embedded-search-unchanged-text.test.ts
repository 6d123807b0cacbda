/**
 * Most catalog writes leave a book's text as it was (a sale moves stock, an admin changes a price), and
 * the embedded index then keeps its full-text rows and vocabulary counts instead of writing them again.
 * Whatever mix of such writes and real text changes it meets, it must find exactly what an index
 * written once with the final books finds (totals, facets, the books and their current fields,
 * corrections, suggestions), and its two rankers must still agree to the score. Scores themselves are
 * not compared across the two files: FTS5's contentless table keeps statistics of deleted rows until
 * it merges, so bm25 drifts with a file's history (the in-memory ranker follows FTS5's figures).
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteSearchIndex } from '../../src/adapters/embedded/sqlite-search-index.js';
import { generateBooks } from '../../src/cli/seed/demo-data.js';
import type { SearchDocument, SearchResult } from '../../src/ports/search-index.js';
import { tempDir } from '../support/temp-dir.js';

const dir = tempDir('bookstore-unchanged-text-');
afterAll(() => dir.remove());

const answer = (r: SearchResult) => ({ hits: r.hits.map((h) => [h.book.id, h.book.price, h.book.version, h.score]), total: r.total, facets: r.facets, correctedQuery: r.correctedQuery });
/** What two files must share: the matches as a set, with the fields the answer shows. */
const found = (r: SearchResult) => ({ books: r.hits.map((h) => [h.book.id, h.book.title, h.book.price, h.book.rating, h.book.version]).sort(), total: r.total, facets: r.facets, correctedQuery: r.correctedQuery });

describe('writes that leave the text unchanged', () => {
  it('answer as an index written once with the final books, on both rankers', { timeout: 60_000 }, async () => {
    const books: SearchDocument[] = [...generateBooks(5, 300)].map((b) => ({ ...b, id: `u-${b.isbn}`, version: 1 }));
    const final = new Map(books.map((b) => [b.id, b]));
    const write = async (index: SqliteSearchIndex, docs: SearchDocument[]) => {
      await index.upsert(docs);
      for (const d of docs) final.set(d.id, d);
    };
    const written = SqliteSearchIndex.open(join(dir.path, 'written.db'));
    await written.upsert(books);
    // Price-only writes, a text change, the text changed back, another price-only write on top, stock-like no-ops.
    await write(written, books.slice(0, 100).map((b) => ({ ...b, version: 2, price: b.price + 1 })));
    await write(written, books.slice(0, 50).map((b) => ({ ...final.get(b.id)!, version: 3, title: `${b.title} Zanzibar revised`, description: `${b.description} zanzibar` })));
    await write(written, books.slice(0, 20).map((b) => ({ ...final.get(b.id)!, version: 4, title: b.title, description: b.description })));
    await write(written, books.slice(10, 40).map((b) => ({ ...final.get(b.id)!, version: 5, price: b.price + 7, rating: 1 })));
    await write(written, books.slice(200, 260).map((b) => ({ ...final.get(b.id)!, version: 2 })));
    const once = SqliteSearchIndex.open(join(dir.path, 'once.db'));
    await once.upsert([...final.values()]);
    const writtenFts = SqliteSearchIndex.open(join(dir.path, 'written.db'), { ranker: 'fts5' });
    const onceFts = SqliteSearchIndex.open(join(dir.path, 'once.db'), { ranker: 'fts5' });
    try {
      const words = [...new Set(books.flatMap((b) => b.title.toLowerCase().split(/[^a-z]+/)).filter((w) => w.length >= 4))].slice(0, 40);
      const queries = ['zanzibar', 'zanzibar revised', 'zanzibr', 'zan', ...words, ...words.map((w) => w.slice(0, 3))];
      for (const q of queries) {
        for (const sort of ['relevance', 'price_asc'] as const) {
          const query = { q, sort, limit: 100 };
          const result = await written.search(query);
          expect(answer(result), q).toEqual(answer(await writtenFts.search(query)));
          if (result.total <= 100) expect(found(result), q).toEqual(found(await once.search(query)));
          else expect(result.total, q).toBe((await once.search(query)).total);
        }
      }
      expect((await written.search({ q: 'zanzibar', sort: 'relevance', limit: 50 })).total).toBe(30);
      expect((await written.search({ q: 'zanzibar', sort: 'relevance', limit: 50, minRating: 1, maxPrice: 1_000_000 })).facets).toEqual((await once.search({ q: 'zanzibar', sort: 'relevance', limit: 50, minRating: 1, maxPrice: 1_000_000 })).facets);
      for (const prefix of ['zan', 'rev', ...words.slice(0, 10).map((w) => w.slice(0, 4))]) {
        expect(await written.suggest(prefix, 10), prefix).toEqual(await once.suggest(prefix, 10));
      }
    } finally {
      for (const index of [written, once, writtenFts, onceFts]) await index.close();
    }
  });

  it('keep a restart on the saved postings however many books they touched, and a text change still reaches the ranking', { timeout: 60_000 }, async () => {
    const books: SearchDocument[] = [...generateBooks(9, 1200)].map((b) => ({ ...b, id: `r-${b.isbn}`, version: 1 }));
    const file = join(dir.path, 'restart.db');
    const first = SqliteSearchIndex.open(file);
    await first.upsert(books);
    await first.search({ q: 'the', sort: 'relevance', limit: 10 });
    await first.close();
    // Written while no ranking index was open: every book's price, past the share of changed books (a
    // tenth, of at least 10,000) that makes a restart read every body again, and the text of a few.
    const writer = SqliteSearchIndex.open(file, { ranker: 'fts5' });
    await writer.upsert(books.map((b) => ({ ...b, version: 2, price: b.price + 3 })));
    await writer.upsert(books.slice(0, 5).map((b) => ({ ...b, version: 3, price: b.price + 3, title: `${b.title} Quetzal` })));
    const restarted = SqliteSearchIndex.open(file);
    try {
      const quetzal = await restarted.search({ q: 'quetzal', sort: 'relevance', limit: 10 });
      expect(restarted.rankingLoad?.source).toBe('snapshot');
      expect(quetzal.hits.map((h) => h.book.id).sort()).toEqual(books.slice(0, 5).map((b) => b.id).sort());
      for (const q of ['quetzal', 'the', books[7]!.title, books[2]!.title]) {
        const query = { q, sort: 'relevance' as const, limit: 30 };
        expect(answer(await restarted.search(query)), q).toEqual(answer(await writer.search(query)));
      }
    } finally {
      await restarted.close();
      await writer.close();
    }
  });
});
