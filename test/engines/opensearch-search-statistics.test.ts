/**
 * The OpenSearch index keeps term statistics between searches (search-statistics.ts): a search of
 * terms seen before costs one round trip, and answers exactly as a search planned from fresh
 * statistics, also after another writer (another process) changed them.
 */
import { Client } from '@opensearch-project/opensearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenSearchSearchIndex, type OpenSearchSearchClient } from '../../src/adapters/opensearch/opensearch-search-index.js';
import { indexPattern, templateName } from '../../src/adapters/opensearch/search-index-template.js';
import type { SearchDocument, SearchQuery } from '../../src/ports/search-index.js';
import { endpoints, uniqueName } from './endpoints.js';

const client = new Client({ node: endpoints.opensearch });
const alias = uniqueName('statistics');
const options = { alias, replicas: 0, refreshInterval: '100ms' };

let isbn = 0;
function book(id: string, description: string): SearchDocument {
  isbn += 1;
  return {
    id,
    isbn: String(9780000000000 + isbn),
    title: `Volume ${id}`,
    authors: ['Some Writer'],
    category: 'Fiction',
    description,
    price: 1000 + isbn,
    currency: 'USD',
    coverUrl: null,
    rating: 3,
    year: 2000,
    version: 1,
  };
}

/** Twelve books say "novel", one says "novels": rare next to its common near-spelling, so it is corrected. */
const CATALOG = [...Array.from({ length: 12 }, (_, i) => book(`novel-${i}`, `A novel in ${i + 1} parts.`)), book('novels-0', 'Letters about her novels.')];
const MORE_NOVELS = Array.from({ length: 3 }, (_, i) => book(`novels-${i + 1}`, `Essays on novels, number ${i + 1}.`));

/** The client, counting the requests the index sends: searches, and searches sent together. */
function countingClient(): { client: OpenSearchSearchClient; calls: { search: number; msearch: number }; reset(): void } {
  const inner: OpenSearchSearchClient = client;
  const calls = { search: 0, msearch: 0 };
  return {
    calls,
    reset: () => Object.assign(calls, { search: 0, msearch: 0 }),
    client: {
      count: (p) => inner.count(p),
      bulk: (p) => inner.bulk(p),
      indices: inner.indices,
      search: (p) => {
        calls.search++;
        return inner.search(p);
      },
      msearch: (p) => {
        calls.msearch++;
        return inner.msearch(p);
      },
    },
  };
}

const q = (text: string, fields: Partial<SearchQuery> = {}): SearchQuery => ({ q: text, sort: 'relevance', limit: 20, ...fields });

/** What a search planned from fresh statistics answers: a new instance keeps nothing yet. */
const fresh = (query: SearchQuery) => new OpenSearchSearchIndex({ client, ...options }).search(query);

let writer: OpenSearchSearchIndex;

beforeAll(async () => {
  writer = new OpenSearchSearchIndex({ client, ...options });
  await writer.upsert(CATALOG);
});

afterAll(async () => {
  await client.indices.delete({ index: indexPattern(alias) }).catch(() => undefined);
  await client.indices.deleteIndexTemplate({ name: templateName(alias) }).catch(() => undefined);
  await client.close();
});

describe('term statistics kept between searches', () => {
  it('answers a repeated search in one round trip, with the same answer', async () => {
    const counting = countingClient();
    const index = new OpenSearchSearchIndex({ client: counting.client, ...options });
    const query = q('novels ');
    const first = await index.search(query);
    expect(first.correctedQuery).toBe('novel');
    expect(first.total).toBe(13);
    // Statistics, near-spellings, their counts, then the search.
    expect(counting.calls).toEqual({ search: 4, msearch: 0 });

    counting.reset();
    expect(await index.search(query)).toEqual(first);
    expect(counting.calls).toEqual({ search: 0, msearch: 1 });

    // Another query with the same terms reuses them too; sorted by price it needs no corpus totals.
    counting.reset();
    const byPrice = await index.search(q('novels ', { sort: 'price_asc' }));
    expect(counting.calls).toEqual({ search: 0, msearch: 1 });
    expect(byPrice).toEqual(await fresh(q('novels ', { sort: 'price_asc' })));

    counting.reset();
    const suggestions = await index.suggest('novel', 5);
    counting.reset();
    expect(await index.suggest('novel', 5)).toEqual(suggestions);
    expect(counting.calls).toEqual({ search: 0, msearch: 1 });
  });

  it('plans again when another writer has changed the statistics since, answering as a fresh search', async () => {
    const counting = countingClient();
    const index = new OpenSearchSearchIndex({ client: counting.client, ...options });
    const query = q('novels ');
    const before = await index.search(query);
    expect(before.correctedQuery).toBe('novel');

    // Another instance (as another process would) makes "novels" common enough not to be corrected.
    await writer.upsert(MORE_NOVELS);
    counting.reset();
    const after = await index.search(query);
    expect(after).toEqual(await fresh(query));
    expect(after.correctedQuery).toBeUndefined();
    expect(after.total).toBe(4);
    // The search sent with the check is thrown away, and sent again as planned from the fresh statistics.
    expect(counting.calls).toEqual({ search: 1, msearch: 1 });
  });

  it('forgets them after its own writes, fetching fresh ones first', async () => {
    const counting = countingClient();
    const index = new OpenSearchSearchIndex({ client: counting.client, ...options });
    const query = q('novel ');
    await index.search(query);
    await index.upsert([book('novel-extra', 'Yet another novel.')]);
    counting.reset();
    const after = await index.search(query);
    expect(counting.calls.msearch).toBe(0);
    expect(after).toEqual(await fresh(query));
    expect(after.hits.map((h) => h.book.id)).toContain('novel-extra');
  });
});
