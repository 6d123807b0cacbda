/**
 * The two SearchIndex adapters answer alike: for the same catalog, the embedded index (SQLite FTS5)
 * and the OpenSearch index return the same hits in the same order, with the same scores (to float
 * precision: OpenSearch scores are 32-bit), totals, facets, corrections and highlights.
 */
import { join } from 'node:path';
import { Client } from '@opensearch-project/opensearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteSearchIndex } from '../../src/adapters/embedded/sqlite-search-index.js';
import { OpenSearchSearchIndex } from '../../src/adapters/opensearch/opensearch-search-index.js';
import { indexPattern, templateName } from '../../src/adapters/opensearch/search-index-template.js';
import { generateBooks } from '../../src/cli/seed/demo-data.js';
import type { SearchDocument, SearchIndex, SearchQuery, SearchResult } from '../../src/ports/search-index.js';
import { tempDir } from '../support/temp-dir.js';
import { endpoints, uniqueName } from './endpoints.js';

/** The demo catalog: the classics, then generated books whose blurbs share many sentences (many bm25 ties). */
const DEMO: SearchDocument[] = [...generateBooks(7, 297)].map((b) => ({ ...b, id: `b-${b.isbn}`, version: 1 }));
const FILLER = 'A long and winding account of many things that happened over many years in many places. '.repeat(4);
/**
 * With the classic that mentions "novels", three books with that rare word deep in a long blurb, and
 * a short title full of its common near-spelling "novel" that bm25 alone would rank above them:
 * only the tiers (as typed first) put the three first.
 */
const TIERS: SearchDocument[] = [
  { ...DEMO[0]!, id: 'tier-1', isbn: '9780000000011', title: 'Collected Letters', authors: ['Ann Example'], description: `${FILLER}Letters about her novels.` },
  { ...DEMO[0]!, id: 'tier-2', isbn: '9780000000028', title: 'Late Essays', authors: ['Ann Example'], description: `${FILLER}Essays on novels and plays.` },
  { ...DEMO[0]!, id: 'tier-3', isbn: '9780000000035', title: 'Novel Novel', authors: ['Bo Example'], description: 'A novel.' },
];
const BOOKS = [...DEMO, ...TIERS];

const client = new Client({ node: endpoints.opensearch });
const dir = tempDir('bookstore-parity-');
const alias = uniqueName('parity');
let embedded: SqliteSearchIndex;
let opensearch: OpenSearchSearchIndex;

beforeAll(async () => {
  embedded = SqliteSearchIndex.open(join(dir.path, 'search.db'));
  opensearch = new OpenSearchSearchIndex({ client, alias, replicas: 0, refreshInterval: '100ms' });
  for (let at = 0; at < BOOKS.length; at += 100) {
    const batch = BOOKS.slice(at, at + 100);
    await Promise.all([embedded.upsert(batch), opensearch.upsert(batch)]);
  }
});

afterAll(async () => {
  await embedded?.close();
  await opensearch?.close();
  await client.indices.delete({ index: indexPattern(alias) }).catch(() => undefined);
  await client.indices.deleteIndexTemplate({ name: templateName(alias) }).catch(() => undefined);
  await client.close();
  dir.remove();
});

const q = (text: string, fields: Partial<SearchQuery> = {}): SearchQuery => ({ q: text, sort: 'relevance', limit: 20, ...fields });
const ids = (r: SearchResult) => r.hits.map((h) => h.book.id);

async function both(query: SearchQuery): Promise<[SearchResult, SearchResult]> {
  return [await embedded.search(query), await opensearch.search(query)];
}

function expectSameAnswer(sqlite: SearchResult, os: SearchResult): void {
  expect(ids(os)).toEqual(ids(sqlite));
  expect(os.total).toBe(sqlite.total);
  expect(os.facets).toEqual(sqlite.facets);
  expect(os.correctedQuery).toBe(sqlite.correctedQuery);
  expect(os.hits.map((h) => h.highlights)).toEqual(sqlite.hits.map((h) => h.highlights));
  sqlite.hits.forEach((hit, i) => {
    const score = os.hits[i]!.score;
    expect(Math.abs(score - hit.score), `score of ${hit.book.id}`).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(hit.score)));
  });
  expect(os.nextCursor === null).toBe(sqlite.nextCursor === null);
}

/** [what it exercises, query, at least this many matches]. */
const QUERIES: Array<[string, SearchQuery, number]> = [
  ['one common word', q('story'), 20],
  ['one rare word', q('penguin '), 1],
  ['a word of one classic', q('prejudice '), 1],
  ['a category word, weighted as a category', q('cooking '), 20],
  ['a stop word matching nearly every book', q('the '), 250],
  ['a prefix being typed', q('sci'), 20],
  ['a one-letter prefix', q('w'), 100],
  ['a long prefix', q('apprent'), 1],
  ['a finished word and a prefix', q('ghost st'), 1],
  ['two words', q('old gods '), 5],
  ['two words, one only in descriptions', q('family secrets '), 1],
  ['three words across columns', q('science fiction novel '), 1],
  ['a misspelling of a rare word', q('prejudise '), 1],
  ['a transposed misspelling', q('frankenstien '), 1],
  ['two typos, one in the first letter', q('brejudise '), 1],
  ['a misspelling next to a correct word', q('sherlok holmes '), 1],
  ['a misspelt prefix', q('penguen'), 1],
  ['a rare word next to a much more common one: as typed first', q('novels '), 20],
  ['a rare word and a common one', q('novels family '), 1],
  ['an author', q('austen '), 1],
  ['an author with two names', q('ginger herman '), 2],
  ['an author name that is also another word', q('herman '), 2],
  ['a filtered and faceted query', q('story ', { category: 'Fiction', minPrice: 1000, maxPrice: 3000 }), 1],
  ['a rating filter', q('old ', { minRating: 4 }), 5],
  ['sorted by price', q('story ', { sort: 'price_asc' }), 20],
  ['sorted by price, descending, with a prefix', q('hist', { sort: 'price_desc' }), 20],
  ['sorted by rating', q('family ', { sort: 'rating' }), 20],
  ['newest first', q('mystery ', { sort: 'newest' }), 20],
  ['no text: best rated first', q(''), BOOKS.length],
  ['no text, filtered by category', q('', { category: 'Science' }), 20],
];

describe('search parity between the embedded and the OpenSearch index', () => {
  it('holds the same catalog in both', async () => {
    expect(await embedded.count()).toBe(BOOKS.length);
    expect(await opensearch.count()).toBe(BOOKS.length);
  });

  it.each(QUERIES)('%s', async (_name, query, atLeast) => {
    const [sqlite, os] = await both(query);
    expect(sqlite.total).toBeGreaterThanOrEqual(atLeast);
    expectSameAnswer(sqlite, os);
  });

  it('finds nothing for a word far from every word, in both', async () => {
    const [sqlite, os] = await both(q('qwxzkj '));
    expect(sqlite.total).toBe(0);
    expectSameAnswer(sqlite, os);
  });

  it('corrects misspellings to the same words', async () => {
    for (const [typed, corrected] of [
      ['sherlok holmes ', 'sherlock holmes'],
      ['novels ', 'novel'],
    ]) {
      const [sqlite, os] = await both(q(typed!));
      expect(sqlite.correctedQuery, typed).toBe(corrected);
      expect(os.correctedQuery, typed).toBe(corrected);
    }
  });

  it('ranks the books matching a rare word as typed before those matching its common near-spelling', async () => {
    const [sqlite, os] = await both(q('novels '));
    const mentions = (r: SearchResult) => r.hits.map((h) => /\bnovels\b/i.test(h.book.description));
    expect(mentions(sqlite).slice(0, 4)).toEqual([true, true, true, false]);
    expect(sqlite.hits[3]!.book.id).toBe('tier-3');
    expect(ids(os)).toEqual(ids(sqlite));
  });

  it('pages through a large result in the same order', async () => {
    const pages = async (index: SearchIndex) => {
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 4; page++) {
        const result = await index.search(q('the ', { limit: 25, cursor }));
        seen.push(...ids(result));
        if (result.nextCursor === null) break;
        cursor = result.nextCursor;
      }
      return seen;
    };
    const [sqlite, os] = [await pages(embedded), await pages(opensearch)];
    expect(sqlite).toHaveLength(100);
    expect(os).toEqual(sqlite);
  });
});
