/**
 * The embedded suggester keeps the best-rated matches of each broad expression between calls and
 * catches them up after writes (search/best-rated-matches.ts). Its answers must stay those of an
 * index that reads every match afresh: after rating changes that move books in and out of the
 * lists, retitled books, deletions and books added.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteSearchIndex } from '../../src/adapters/embedded/sqlite-search-index.js';
import { allTermsIn, leadingPhrase, titleAndAuthors } from '../../src/adapters/embedded/search/column-match.js';
import { MatchingKeys } from '../../src/adapters/embedded/search/matching-keys.js';
import { LIVE_TABLES } from '../../src/adapters/embedded/search/schema.js';
import { Vocabulary } from '../../src/adapters/embedded/search/vocabulary.js';
import { planQuery } from '../../src/adapters/search-text/query-plan.js';
import { parseQuery } from '../../src/adapters/search-text/query-text.js';
import { terms } from '../../src/adapters/search-text/tokens.js';
import { generateBooks } from '../../src/cli/seed/demo-data.js';
import type { SearchDocument } from '../../src/ports/search-index.js';
import { searchQueries } from '../../bench/harness.js';
import { tempDir } from '../support/temp-dir.js';

const BOOKS: SearchDocument[] = [...generateBooks(23, 4000)].map((b) => ({ ...b, id: `b-${b.isbn}`, version: 1 }));
// Titles and authors beyond plain ASCII, which the kept lists leave to FTS5 to test.
const ACCENTED: SearchDocument[] = [...generateBooks(31, 30)].map((b, i) => ({
  ...b,
  id: `accented-${b.isbn}`,
  title: ['Café Société', 'Ångström and the Sea', 'The Naïve Œuvre', 'Straße der Nacht', 'Ｆｕｌｌ Width'][i % 5]!,
  authors: i % 2 === 0 ? ['Zoë Brontë'] : b.authors,
  version: 1,
}));
const PREFIXES = [
  ...new Set(['the', 'th', 'a', 'an', 'and', 'of', 'the sea', 'cafe', 'café so', 'zoe', 'strasse', 'ful', ...searchQueries().prefixes.filter((_, i) => i % 4 === 0)]),
];

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
  await kept.upsert(ACCENTED);
  for (const q of PREFIXES) await kept.suggest(q, 10);
});

afterAll(async () => {
  await kept.close();
  dir.remove();
});

describe('embedded suggestions kept between calls', () => {
  it('test a book against an expression as FTS5 does, or leave it to FTS5', () => {
    const vocabulary = new Vocabulary(kept.db, LIVE_TABLES);
    const matching = new MatchingKeys(kept.db);
    const books = (kept.db.prepare(`SELECT doc_key, doc FROM ${LIVE_TABLES.bodies}`).raw().all() as Array<[number, string]>).map(
      ([key, doc]) => [key, titleAndAuthors(JSON.parse(doc) as SearchDocument)] as const,
    );
    let decided = 0;
    let left = 0;
    let matched = 0;
    const disagreements: string[] = [];
    for (const q of PREFIXES) {
      const parsed = parseQuery(q);
      const plan = planQuery(parsed, vocabulary);
      for (const query of [leadingPhrase('title', terms(q), parsed.lastIsPrefix), allTermsIn('title', plan.terms), allTermsIn('authors', plan.terms)]) {
        if (query === null) continue;
        const fts = new Set(matching.get(query.expression));
        for (const [key, book] of books) {
          const says = query.matches(book);
          if (says === null) {
            left++;
            continue;
          }
          decided++;
          if (says) matched++;
          if (says !== fts.has(key)) disagreements.push(`${query.expression} on ${book.title.join(' ')} / ${book.authors.join(' ')}: ${says}`);
        }
      }
    }
    expect(disagreements.slice(0, 20)).toEqual([]);
    expect(matched).toBeGreaterThan(1000);
    expect(left).toBeGreaterThan(0);
    expect(decided).toBeGreaterThan(left);
  });

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

  it('follow price changes, which leave the lists as they were, and a book rated into them from outside', async () => {
    // Titles starting with "The", best and worst rated: the first head the kept lists of `the`, `th`, `the sea`..., the others are below them.
    const titled = (await kept.search({ q: 'the', sort: 'rating', limit: 4000 })).hits.map((h) => h.book).filter((b) => /^the /i.test(b.title));
    const listed = titled.slice(0, 20);
    const unlisted = titled.slice(-20);
    // Price-only writes (the bench's): no list gains or loses a book.
    await kept.upsert([...listed, ...unlisted].map((b) => ({ ...b, price: b.price + 1, version: b.version + 1 })));
    await sameAsFresh();
    // Then one of the worst rated to the top, alone in its write: it enters the lists it matches.
    const risen = unlisted[0]!;
    await kept.upsert([{ ...risen, rating: 5, version: risen.version + 2 }]);
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

  it('follow more writes than the change log holds', async () => {
    // 12,000 rewrites: past the log's 10,000, its older half goes and the lists behind it are read again.
    const some = BOOKS.slice(0, 3000);
    for (let round = 2; round <= 5; round++) {
      await kept.upsert(some.map((b, i) => ({ ...b, rating: ((i * round) % 50) / 10, version: round })));
      if (round === 3) for (const q of PREFIXES.slice(0, 40)) await kept.suggest(q, 10);
    }
    await sameAsFresh();
  });
});
