/**
 * The two SearchIndex adapters answer alike wherever the port fixes the answer: for the same catalog,
 * a search without text (every filter, sort and facet, and its pages) gives the same hits in the same
 * order, totals and facets in both. Text relevance is each engine's own (the OpenSearch adapter uses
 * OpenSearch's analyzers and fuzziness, search-relevance.ts); there both must find the book a query
 * plainly names first, and the relevance suites hold each to the same floor.
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

/** The demo catalog: the classics, then generated books whose blurbs share many sentences. */
const BOOKS: SearchDocument[] = [...generateBooks(7, 300)].map((b) => ({ ...b, id: `b-${b.isbn}`, version: 1 }));

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

/** [what it exercises, query]: searches without text, whose answer the port fixes completely. */
const QUERIES: Array<[string, SearchQuery]> = [
  ['no text: best rated first', q('')],
  ['no text, filtered by category', q('', { category: 'Science' })],
  ['no text, by price, with a price range', q('', { sort: 'price_asc', minPrice: 1000, maxPrice: 3000 })],
  ['no text, by price descending, rated 4 and up', q('', { sort: 'price_desc', minRating: 4 })],
  ['no text, newest first, in a category', q('', { sort: 'newest', category: 'Fiction' })],
  ['no text, by rating, with every filter', q('', { sort: 'rating', category: 'Fiction', minPrice: 500, maxPrice: 2500, minRating: 3 })],
];

/** [query, the title that must come first]: a book named plainly, exactly or with a typo. */
const NAMED: Array<[string, string]> = [
  ['pride and prejudice', 'Pride and Prejudice'],
  ['prejudise ', 'Pride and Prejudice'],
  ['frankenstien ', 'Frankenstein'],
  ['sherlok holmes ', 'The Adventures of Sherlock Holmes'],
  ['moby dick', 'Moby-Dick'],
  ['alices adventures in wonderland', "Alice's Adventures in Wonderland"],
];

describe('search parity between the embedded and the OpenSearch index', () => {
  it('holds the same catalog in both', async () => {
    expect(await embedded.count()).toBe(BOOKS.length);
    expect(await opensearch.count()).toBe(BOOKS.length);
  });

  it.each(QUERIES)('%s', async (_name, query) => {
    const [sqlite, os] = await both(query);
    expect(sqlite.total).toBeGreaterThan(0);
    expect(ids(os)).toEqual(ids(sqlite));
    expect(os.total).toBe(sqlite.total);
    expect(os.facets).toEqual(sqlite.facets);
    expect(os.nextCursor === null).toBe(sqlite.nextCursor === null);
  });

  it.each(NAMED)('finds the book "%s" names first in both', async (text, title) => {
    const [sqlite, os] = await both(q(text));
    expect(sqlite.hits[0]?.book.title, 'embedded').toBe(title);
    expect(os.hits[0]?.book.title, 'opensearch').toBe(title);
  });

  it('pages through every book in the same order', async () => {
    const pages = async (index: SearchIndex) => {
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 20; page++) {
        const result = await index.search(q('', { sort: 'price_asc', limit: 25, cursor }));
        seen.push(...ids(result));
        if (result.nextCursor === null) break;
        cursor = result.nextCursor;
      }
      return seen;
    };
    const [sqlite, os] = [await pages(embedded), await pages(opensearch)];
    expect(sqlite).toHaveLength(BOOKS.length);
    expect(os).toEqual(sqlite);
  });
});
