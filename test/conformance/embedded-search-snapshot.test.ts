/**
 * The embedded index's snapshot (postings and attributes saved beside search.db) is only ever a
 * starting point: a snapshot older than the tables is caught up to them before any search answers,
 * one of other tables (a rebuild) or with too much to catch up is not used, and one that cannot be
 * read is replaced from the tables. The reference is an index over the same file that keeps nothing
 * in memory between searches (the fts5 ranker reads every filter field from the tables it refreshes
 * from), so every total, facet and page must agree with it.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteSearchIndex } from '../../src/adapters/embedded/sqlite-search-index.js';
import { generateBooks } from '../../src/cli/seed/demo-data.js';
import type { SearchDocument, SearchQuery, SearchResult } from '../../src/ports/search-index.js';
import { tempDir } from '../support/temp-dir.js';

const BOOKS: SearchDocument[] = [...generateBooks(23, 600)].map((b) => ({ ...b, id: `b-${b.isbn}`, version: 1 }));
const relevance = (q: string, extra: Partial<SearchQuery> = {}): SearchQuery => ({ q, sort: 'relevance', limit: 20, ...extra });

const dirs: Array<{ remove(): void }> = [];
afterEach(() => dirs.splice(0).forEach((d) => d.remove()));

function answer(result: SearchResult) {
  return { hits: result.hits.map((h) => [h.book.id, h.book.price, h.book.category, h.score]), total: result.total, facets: result.facets, nextCursor: result.nextCursor };
}

/** A search.db with BOOKS indexed and a snapshot saved by an index that loaded and closed. */
async function snapshotted(): Promise<string> {
  const dir = tempDir('bookstore-search-snapshot-');
  dirs.push(dir);
  const file = join(dir.path, 'search.db');
  const first = SqliteSearchIndex.open(file);
  await first.upsert(BOOKS);
  await first.search(relevance('the'));
  expect(first.rankingLoad?.source).toBe('tables');
  await first.close();
  expect(existsSync(`${file}.ranking`)).toBe(true);
  return file;
}

const category = BOOKS[0]!.category;
const otherCategory = BOOKS.find((b) => b.category !== category)!.category;
const QUERIES: SearchQuery[] = [
  relevance(''),
  relevance('the'),
  relevance('snapshot marker'),
  relevance('the', { maxPrice: 150 }),
  relevance('', { category }),
  relevance('', { category: otherCategory, sort: 'price_asc' }),
  relevance('', { sort: 'price_asc' }),
  relevance('', { sort: 'rating', minRating: 4.5 }),
  relevance(BOOKS[5]!.title),
  relevance(BOOKS[6]!.title),
];

async function expectSameAsTables(index: SqliteSearchIndex, reference: SqliteSearchIndex): Promise<void> {
  for (const query of QUERIES) expect(answer(await index.search(query)), JSON.stringify(query)).toEqual(answer(await reference.search(query)));
}

describe('the embedded search snapshot', { timeout: 60_000 }, () => {
  it('is caught up with every write made after it was saved: texts, prices, categories, removals and new books', async () => {
    const file = await snapshotted();
    // Written while no in-memory index was open, so the snapshot is older than the tables.
    const writer = SqliteSearchIndex.open(file, { ranker: 'fts5', rankingSnapshot: null });
    const cheap = BOOKS.slice(0, 10).map((b) => ({ ...b, version: 2, price: 100 + b.price % 50 }));
    const moved = BOOKS.slice(10, 20).map((b) => ({ ...b, version: 2, category: otherCategory }));
    const marked = BOOKS.slice(20, 25).map((b) => ({ ...b, version: 2, title: 'Snapshot Marker', rating: 5 }));
    await writer.upsert([...cheap, ...moved, ...marked]);
    await writer.remove(BOOKS.slice(5, 7).map((b) => ({ id: b.id, version: 3 })));
    await writer.upsert([{ ...BOOKS[30]!, id: 'b-new-book', isbn: '9780000000002', title: 'Snapshot Marker Anew', price: 120, version: 1 }]);

    const restarted = SqliteSearchIndex.open(file);
    try {
      await expectSameAsTables(restarted, writer);
      expect(restarted.rankingLoad?.source).toBe('snapshot');
      const found = await restarted.search(relevance('snapshot marker', { maxPrice: 150 }));
      expect(found.hits.map((h) => h.book.id)).toEqual(['b-new-book']);
      expect((await restarted.search(relevance(BOOKS[5]!.title, { limit: 50 }))).hits.map((h) => h.book.id)).not.toContain(BOOKS[5]!.id);
      const cheapTotal = (await restarted.search(relevance('', { maxPrice: 150 }))).total;
      // The cheap books that were not removed, and the new one.
      expect(cheapTotal).toBeGreaterThanOrEqual(cheap.length - 2 + 1);
    } finally {
      await restarted.close();
      await writer.close();
    }
  });

  it('keeps serving writes after a restore, and saves them for the next start', async () => {
    const file = await snapshotted();
    const restarted = SqliteSearchIndex.open(file);
    await restarted.search(relevance('the'));
    expect(restarted.rankingLoad?.source).toBe('snapshot');
    await restarted.upsert(BOOKS.slice(40, 45).map((b) => ({ ...b, version: 2, title: 'Snapshot Marker', price: 101 })));
    await restarted.remove([{ id: BOOKS[46]!.id, version: 2 }]);
    const reference = SqliteSearchIndex.open(file, { ranker: 'fts5', rankingSnapshot: null });
    try {
      await expectSameAsTables(restarted, reference);
      await restarted.close();
      const again = SqliteSearchIndex.open(file);
      await expectSameAsTables(again, reference);
      expect(again.rankingLoad?.source).toBe('snapshot');
      await again.close();
    } finally {
      await restarted.close();
      await reference.close();
    }
  });

  it('is not used after a rebuild: other tables, another generation', async () => {
    const file = await snapshotted();
    const writer = SqliteSearchIndex.open(file, { ranker: 'fts5', rankingSnapshot: null });
    await writer.rebuild(async (write) => write(BOOKS.slice(0, 300).map((b) => ({ ...b, version: 2, price: 111 }))));
    const restarted = SqliteSearchIndex.open(file);
    try {
      await expectSameAsTables(restarted, writer);
      expect(restarted.rankingLoad?.source).toBe('tables');
      expect((await restarted.search(relevance(''))).total).toBe(300);
    } finally {
      await restarted.close();
      await writer.close();
    }
  });

  it('is not used when catching up would cost more than reading the tables', async () => {
    const file = await snapshotted();
    const writer = SqliteSearchIndex.open(file, { ranker: 'fts5', rankingSnapshot: null });
    // More changed books than a tenth of max(books, 10,000): reading every row is the quicker way.
    const many = [...generateBooks(99, 1100)].map((b) => ({ ...b, id: `b-many-${b.isbn}`, version: 1 }));
    for (let at = 0; at < many.length; at += 500) await writer.upsert(many.slice(at, at + 500));
    const restarted = SqliteSearchIndex.open(file);
    try {
      await expectSameAsTables(restarted, writer);
      expect(restarted.rankingLoad?.source).toBe('tables');
    } finally {
      await restarted.close();
      await writer.close();
    }
  });

  it('is replaced from the tables when it cannot be read', async () => {
    const file = await snapshotted();
    writeFileSync(`${file}.ranking`, 'bookstore-ranking-index 2\n{"generation":0,"seq":1,"terms":5,"postings":9,"docs":3,"vocabularyBytes":4,"slots":3,"idsBytes":2,"categories":[]}\nab');
    const restarted = SqliteSearchIndex.open(file);
    const reference = SqliteSearchIndex.open(file, { ranker: 'fts5', rankingSnapshot: null });
    try {
      await expectSameAsTables(restarted, reference);
      expect(restarted.rankingLoad?.source).toBe('tables');
    } finally {
      await restarted.close();
      await reference.close();
    }
  });
});
