/**
 * The embedded index's two rankers answer alike: the in-memory RankingIndex and SQLite FTS5's bm25()
 * give the same hits in the same order with the same scores, totals, facets and cursors, on the
 * benchmark's query pools, before and after the catalog changes under them (updates that change the
 * text, deletions, redelivered and out-of-order versions). Kept for as long as both rankers exist.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteSearchIndex } from '../../src/adapters/embedded/sqlite-search-index.js';
import { generateBooks } from '../../src/cli/seed/demo-data.js';
import type { SearchDocument, SearchQuery, SearchResult } from '../../src/ports/search-index.js';
import { searchQueries } from '../../bench/harness.js';
import { tempDir } from '../support/temp-dir.js';
import { RELEVANCE_QUERIES, relevanceDocuments } from '../relevance/relevance-suite.js';

const BOOKS: SearchDocument[] = [...generateBooks(11, 2000)].map((b) => ({ ...b, id: `b-${b.isbn}`, version: 1 }));
const pools = searchQueries();
const QUERIES = [...pools.common, ...pools.prefixes, ...pools.typos];

const dir = tempDir('bookstore-ranking-parity-');
let memory: SqliteSearchIndex;
let fts5: SqliteSearchIndex;

beforeAll(async () => {
  const file = join(dir.path, 'search.db');
  memory = SqliteSearchIndex.open(file);
  fts5 = SqliteSearchIndex.open(file, { ranker: 'fts5' });
  for (let at = 0; at < BOOKS.length; at += 500) await memory.upsert(BOOKS.slice(at, at + 500));
});

afterAll(async () => {
  await memory?.close();
  await fts5?.close();
  dir.remove();
});

/** What must agree: everything but highlights, which both compute from the same plan anyway. */
function answer(result: SearchResult) {
  return {
    hits: result.hits.map((h) => [h.book.id, h.score]),
    total: result.total,
    facets: result.facets,
    nextCursor: result.nextCursor,
    correctedQuery: result.correctedQuery,
  };
}

async function compare(queries: readonly SearchQuery[]): Promise<{ broad: number }> {
  let broad = 0;
  for (const query of queries) {
    const [expected, actual] = [await fts5.search(query), await memory.search(query)];
    expect(answer(actual), JSON.stringify(query)).toEqual(answer(expected));
    if (expected.total > query.limit) broad++;
  }
  return { broad };
}

const relevance = (q: string, extra: Partial<SearchQuery> = {}): SearchQuery => ({ q, sort: 'relevance', limit: 20, ...extra });

describe('in-memory ranking and FTS5 bm25', { timeout: 120_000 }, () => {
  it('give the same top 20 on every query of the benchmark pools', async () => {
    const { broad } = await compare(QUERIES.map((q) => relevance(q)));
    // The pools must exercise ranking, not just tiny result sets.
    expect(broad).toBeGreaterThan(QUERIES.length / 4);
  });

  it('agree on deeper pages, filters and the other sorts', async () => {
    const sample = QUERIES.filter((_, i) => i % 17 === 0);
    const first = await memory.search(relevance(sample[0]!, { limit: 5 }));
    expect(first.nextCursor).not.toBeNull();
    await compare([
      ...sample.map((q) => relevance(q, { limit: 50 })),
      ...sample.map((q) => relevance(q, { minRating: 3.5, maxPrice: 2000 })),
      ...sample.map((q) => relevance(q, { category: BOOKS[0]!.category })),
      ...sample.map((q) => relevance(q, { sort: 'price_asc' })),
      relevance(sample[0]!, { limit: 5, cursor: first.nextCursor! }),
    ]);
  });

  it('stay in step through updates, deletions and stale redeliveries', async () => {
    const changed = BOOKS.slice(0, 300).map((b, i) => ({ ...b, version: 3, title: `${BOOKS[(i * 7) % BOOKS.length]!.title} revised`, description: i % 2 ? '' : b.description }));
    await memory.upsert(changed);
    await memory.remove(BOOKS.slice(300, 400).map((b) => ({ id: b.id, version: 2 })));
    // Redelivered and out-of-order writes: older versions of changed and deleted books change nothing.
    await memory.upsert([...BOOKS.slice(0, 50).map((b) => ({ ...b, version: 2 })), ...BOOKS.slice(300, 350)]);
    await memory.upsert(BOOKS.slice(360, 380).map((b) => ({ ...b, version: 4, title: `${b.title} returned` })));
    const removedTitle = BOOKS[320]!.title;
    const gone = await memory.search(relevance(removedTitle, { limit: 100 }));
    expect(gone.hits.map((h) => h.book.id)).not.toContain(BOOKS[320]!.id);
    const { broad } = await compare([...QUERIES.filter((_, i) => i % 3 === 0), 'revised', 'returned', removedTitle].map((q) => relevance(q)));
    expect(broad).toBeGreaterThan(0);
  });

  it('rank books matching the terms as typed first, as FTS5 tiers them', async () => {
    const base = BOOKS[0]!;
    const filler = 'A long and winding account of many things that happened over many years in many places. '.repeat(4);
    // "zephyx" is rare and "zephyr" far more common, so the plan adds "zephyr" as a typo alternative
    // and ranks books matching "zephyx" as typed first.
    const asTyped = [1, 2, 3].map((i) => ({ ...base, id: `tier-${i}`, title: `Collected Letters ${i}`, description: `${filler}Letters about her zephyx.` }));
    const near = Array.from({ length: 100 }, (_, i) => ({ ...base, id: `near-${i}`, title: 'Zephyr Zephyr', description: 'A zephyr.' }));
    await memory.upsert([...asTyped, ...near]);
    // The trailing space: a finished word, not a prefix still being typed.
    const query = relevance('zephyx ', { limit: 64 });
    const [expected, actual] = [await fts5.search(query), await memory.search(query)];
    expect(answer(actual)).toEqual(answer(expected));
    expect(actual.total).toBe(103);
    // bm25 alone would put all 100 short "Zephyr Zephyr" titles first and leave the three out of the
    // first 64, the window the relevance rules reorder; the tier brings them in.
    expect(actual.hits.map((h) => h.book.id)).toEqual(expect.arrayContaining(['tier-1', 'tier-2', 'tier-3']));
  });

  it('restart from the saved postings, catching up with writes made while closed', async () => {
    const file = join(dir.path, 'restart.db');
    const first = SqliteSearchIndex.open(file);
    await first.upsert(BOOKS.slice(0, 1000));
    await first.search(relevance('the'));
    expect(first.rankingLoad?.source).toBe('tables');
    await first.upsert(BOOKS.slice(1000, 1200).map((b) => ({ ...b, version: 2, title: `${b.title} again` })));
    await first.close();
    // Written while no ranking index was open: the next one must catch up from its snapshot's seq.
    const writer = SqliteSearchIndex.open(file, { ranker: 'fts5' });
    await writer.upsert(BOOKS.slice(0, 20).map((b) => ({ ...b, version: 5, title: 'Restart Marker' })));
    await writer.remove(BOOKS.slice(20, 40).map((b) => ({ id: b.id, version: 5 })));
    const restarted = SqliteSearchIndex.open(file);
    try {
      const queries = ['restart marker', 'again', BOOKS[25]!.title, ...QUERIES.filter((_, i) => i % 9 === 0)].map((q) => relevance(q));
      for (const query of queries) expect(answer(await restarted.search(query)), query.q).toEqual(answer(await writer.search(query)));
      expect(restarted.rankingLoad?.source).toBe('snapshot');
      expect((await restarted.search(relevance('restart marker'))).total).toBe(20);
      // A rebuild makes another generation of tables: the snapshot no longer applies.
      await restarted.rebuild(async (write) => write(BOOKS.slice(0, 500)));
      expect(answer(await restarted.search(relevance('the')))).toEqual(answer(await writer.search(relevance('the'))));
      expect(restarted.rankingLoad?.source).toBe('tables');
    } finally {
      await restarted.close();
      await writer.close();
    }
  });
});

/**
 * The same parity on the relevance suite's real books and queries, where the planner does most:
 * typo alternatives, other spellings, run-together words split into two-word phrases, stop words left
 * out, and queries relaxed to books matching only some terms (an OR of ANDs that repeats terms).
 */
describe('in-memory ranking and FTS5 bm25 on the relevance suite', { timeout: 120_000 }, () => {
  const relevanceDir = tempDir('bookstore-ranking-relevance-');
  let docs: SearchDocument[];
  let inMemory: SqliteSearchIndex;
  let reference: SqliteSearchIndex;
  const queries = () => [
    ...RELEVANCE_QUERIES.map((r) => r.q),
    // Relaxed: no book holds "zzqqxx", so these fall back to books matching the other terms.
    'harry potter zzqqxx',
    'mockingbird zzqqxx',
    'lord of the rings zzqqxx wwvvkk',
  ];

  beforeAll(async () => {
    docs = await relevanceDocuments();
    const file = join(relevanceDir.path, 'search.db');
    inMemory = SqliteSearchIndex.open(file);
    reference = SqliteSearchIndex.open(file, { ranker: 'fts5' });
    await inMemory.upsert(docs);
  });

  afterAll(async () => {
    await inMemory?.close();
    await reference?.close();
    relevanceDir.remove();
  });

  async function compareAll(texts: readonly string[]): Promise<void> {
    for (const q of texts) {
      for (const query of [relevance(q, { limit: 10 }), relevance(q, { limit: 5, minRating: 4 }), relevance(q, { limit: 100 })]) {
        const [expected, actual] = [await reference.search(query), await inMemory.search(query)];
        expect(answer(actual), JSON.stringify(query)).toEqual(answer(expected));
      }
    }
  }

  it('give the same answers to every query of the suite, relaxed and split ones included', async () => {
    await compareAll(queries());
    // The paths that differ from a plain AND of words were taken, not skipped.
    expect((await inMemory.search(relevance('harry potter zzqqxx'))).total).toBeGreaterThan(0);
    expect((await inMemory.search(relevance('lord of the rings zzqqxx wwvvkk'))).total).toBeGreaterThan(0);
    const split = await inMemory.search(relevance('slaughterhousefive'));
    expect(split.hits[0]?.book.title).toBe('Slaughterhouse-Five');
  });

  it('stay in step when books are written and deleted after the ranking index loaded', async () => {
    const first = docs[0]!;
    const slaughterhouse = docs.find((d) => d.title === 'Slaughterhouse-Five')!;
    await inMemory.upsert([
      // Written after the load, so in the in-memory delta: a new two-word phrase and a new word.
      { ...first, id: 'late-1', title: 'Slaughterhouse Five Revisited', description: 'An essay on the slaughterhouse five of Dresden.' },
      { ...first, id: 'late-2', title: 'Quillfeather and the Potter', version: 1 },
    ]);
    await inMemory.remove([{ id: slaughterhouse.id, version: 2 }]);
    await compareAll([...queries(), 'quillfeather', 'quilfeather potter', 'slaughterhouse five revisited zzqqxx']);
    const split = await inMemory.search(relevance('slaughterhousefive'));
    expect(split.hits.map((h) => h.book.id)).toContain('late-1');
    expect(split.hits.map((h) => h.book.id)).not.toContain(slaughterhouse.id);
  });
});
