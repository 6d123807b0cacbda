/**
 * The embedded suggester keeps the best-rated matches of each broad expression between calls and
 * catches them up after writes (search/best-rated-matches.ts). Its answers must stay those of an
 * index that reads every match afresh: after rating changes that move books in and out of the
 * lists, retitled books, deletions and books added.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteSearchIndex } from '../../src/adapters/embedded/sqlite-search-index.js';
import { generateBooks } from '../../src/cli/seed/demo-data.js';
import type { SearchDocument } from '../../src/ports/search-index.js';
import { searchQueries } from '../../bench/harness.js';
import { tempDir } from '../support/temp-dir.js';

const BOOKS: SearchDocument[] = [...generateBooks(23, 4000)].map((b) => ({ ...b, id: `b-${b.isbn}`, version: 1 }));
const PREFIXES = [...new Set(['the', 'th', 'a', 'an', 'and', 'of', ...searchQueries().prefixes.filter((_, i) => i % 4 === 0)])];

const dir = tempDir('bookstore-suggest-lists-');
let file: string;
let kept: SqliteSearchIndex;

async function sameAsFresh(): Promise<number> {
  const fresh = SqliteSearchIndex.open(file, { rankingSnapshot: null, ranker: 'fts5' });
  let answered = 0;
  try {
    for (const q of PREFIXES) {
      const expected = await fresh.suggest(q, 10);
      expect(await kept.suggest(q, 10), q).toEqual(expected);
      if (expected.length > 0) answered++;
    }
  } finally {
    await fresh.close();
  }
  return answered;
}

beforeAll(async () => {
  file = join(dir.path, 'search.db');
  kept = SqliteSearchIndex.open(file, { rankingSnapshot: null });
  for (let at = 0; at < BOOKS.length; at += 1000) await kept.upsert(BOOKS.slice(at, at + 1000));
  for (const q of PREFIXES) await kept.suggest(q, 10);
});

afterAll(async () => {
  await kept.close();
  dir.remove();
});

describe('embedded suggestions kept between calls', () => {
  it('answer as a fresh index does before any write', async () => {
    expect(await sameAsFresh()).toBeGreaterThan(PREFIXES.length / 2);
  });

  it('follow rating changes that move the best-rated books in and out of the kept lists', async () => {
    const best = (await kept.search({ q: 'the', sort: 'rating', limit: 60 })).hits.map((h) => h.book);
    const worst = (await kept.search({ q: 'the', sort: 'rating', limit: 4000 })).hits.map((h) => h.book).slice(-40);
    await kept.upsert([
      ...best.map((b) => ({ ...b, rating: 1, version: b.version + 1 })),
      ...worst.map((b) => ({ ...b, rating: 5, version: b.version + 1 })),
    ]);
    await sameAsFresh();
  });

  it('follow retitled, deleted and added books', async () => {
    const best = (await kept.search({ q: 'an', sort: 'rating', limit: 30 })).hits.map((h) => h.book);
    await kept.upsert(best.slice(0, 10).map((b) => ({ ...b, title: `Quiet ${b.id}`, version: b.version + 1 })));
    await kept.remove(best.slice(10, 20).map((b) => ({ id: b.id, version: b.version + 1 })));
    await kept.upsert(
      [...generateBooks(29, 40)].map((b) => ({ ...b, id: `new-${b.isbn}`, title: `The Andean ${b.title}`, rating: 5, version: 1 })),
    );
    await sameAsFresh();
  });
});
