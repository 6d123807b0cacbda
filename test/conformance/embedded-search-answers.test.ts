/**
 * The embedded index keeps its search answers across writes that leave a book's text alone (price,
 * rating, stock), dropping only the answers such a write changes and moving a count where that is
 * all it changes. Whatever the writes, every answer must be exactly what a handle opened afresh on
 * the same file computes; and the cache must really be kept, or this would test nothing.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteSearchIndex } from '../../src/adapters/embedded/sqlite-search-index.js';
import { generateBooks } from '../../src/cli/seed/demo-data.js';
import type { SearchDocument, SearchQuery, SearchResult } from '../../src/ports/search-index.js';
import { tempDir } from '../support/temp-dir.js';

const dir = tempDir('bookstore-search-answers-');
afterAll(() => dir.remove());

/** A small deterministic generator, so a failure names a round that happens again. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

describe('search answers kept across writes that leave the text alone', () => {
  it('are what a fresh handle computes after every write, and are kept or adjusted when they can be', { timeout: 120_000 }, async () => {
    const file = join(dir.path, 'answers.db');
    const books: SearchDocument[] = [...generateBooks(11, 400)].map((b) => ({ ...b, id: `a-${b.isbn}`, version: 1 }));
    const current = new Map(books.map((b) => [b.id, b]));
    const index = SqliteSearchIndex.open(file, { rankingSnapshot: null });
    // Writes also come from another connection, as the projection's do in the server.
    const writer = SqliteSearchIndex.open(file, { rankingSnapshot: null });
    await index.upsert(books);
    const words = [...new Set(books.flatMap((b) => b.title.toLowerCase().split(/[^a-z]+/)).filter((w) => w.length >= 4))];
    // The commonest words match more books than the reranked window holds: a write to one it does not show only moves a count.
    const frequency = new Map<string, number>();
    for (const b of books) for (const w of new Set(`${b.title} ${b.description}`.toLowerCase().split(/[^a-z]+/))) if (w.length >= 4) frequency.set(w, (frequency.get(w) ?? 0) + 1);
    const common = [...frequency].sort((a, b) => b[1] - a[1]).slice(0, 2).map(([w]) => w);
    expect(frequency.get(common[1]!)).toBeGreaterThan(64);
    const texts = [...common, ...words.slice(0, 12), ...words.slice(0, 6).map((w) => w.slice(0, 3)), `${words[0]} ${words[9]}`, `${words[1]!.slice(0, 2)}x${words[1]!.slice(2)}`, 'zzqv'];
    const queries: SearchQuery[] = [
      ...texts.map((q) => ({ q, sort: 'relevance' as const, limit: 10 })),
      { q: words[0]!.slice(0, 3), sort: 'relevance', limit: 10, page: 8 },
      { q: common[0]!, sort: 'relevance', limit: 10, maxPrice: 2500 },
      { q: common[1]!, sort: 'relevance', limit: 10, category: books[0]!.category },
      { q: common[0]!, sort: 'relevance', limit: 10, minRating: 3 },
      { q: common[1]!, sort: 'price_asc', limit: 10 },
      { q: '', sort: 'relevance', limit: 10 },
    ];
    const next = random(42);
    const pick = () => books[Math.floor(next() * books.length)]!;
    let kept = 0;
    let adjusted = 0;
    const last = new Map<number, SearchResult>();
    try {
      for (let round = 0; round < 40; round++) {
        const target = round % 10 === 9 ? writer : index;
        if (round === 20) {
          // A write to the text drops every answer; then a bulk of price writes, more than are followed one by one.
          const b = current.get(pick().id)!;
          await target.upsert([{ ...b, version: b.version + 1, title: `${b.title} Revised` }]);
          current.set(b.id, { ...b, version: b.version + 1, title: `${b.title} Revised` });
        } else if (round === 30) {
          const bulk = books.slice(0, 100).map((b) => ({ ...current.get(b.id)!, version: current.get(b.id)!.version + 1, price: current.get(b.id)!.price + 3 }));
          await target.upsert(bulk);
          for (const b of bulk) current.set(b.id, b);
        } else {
          const b = current.get(pick().id)!;
          // A price anywhere from 1 to 80 (so it often changes range), or a rating, or neither (a stock write).
          const change = round % 3 === 0 ? { price: 100 + Math.floor(next() * 8000) } : round % 3 === 1 ? { rating: Math.round(next() * 50) / 10 } : {};
          const written = { ...b, ...change, version: b.version + 1 };
          await target.upsert([written]);
          current.set(b.id, written);
        }
        const fresh = SqliteSearchIndex.open(file, { rankingSnapshot: null });
        try {
          for (const [i, query] of queries.entries()) {
            const answer = await index.search(query);
            expect(answer, `round ${round}, ${JSON.stringify(query)}`).toEqual(await fresh.search(query));
            const before = last.get(i);
            if (before === answer) kept++;
            else if (before !== undefined && before.hits === answer.hits && before.facets.priceRanges !== answer.facets.priceRanges) adjusted++;
            last.set(i, answer);
          }
        } finally {
          await fresh.close();
        }
      }
      // Most single writes miss most queries' matches; the broad prefixes match a book written often.
      expect(kept).toBeGreaterThan(100);
      expect(adjusted).toBeGreaterThan(0);
    } finally {
      await writer.close();
      await index.close();
    }
  });
});
