/**
 * The OpenSearch index keeps term statistics between suggestion requests (search-statistics.ts, which
 * plans suggestions by the shared rules): a prefix with terms seen before costs one round trip, and
 * answers exactly as one planned from fresh statistics, also after another writer (another process)
 * changed them. (Searches are OpenSearch's own queries, search-relevance.ts, and need no statistics.)
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

/** What suggestions planned from fresh statistics are: a new instance keeps nothing yet. */
const fresh = (prefix: string, limit = 10) => new OpenSearchSearchIndex({ client, ...options }).suggest(prefix, limit);

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

const titles = (suggestions: ReadonlyArray<{ text: string }>) => suggestions.map((s) => s.text);

describe('term statistics kept between suggestion requests', () => {
  it('answers a repeated prefix in one round trip, with the same answer', async () => {
    const counting = countingClient();
    const index = new OpenSearchSearchIndex({ client: counting.client, ...options });
    const first = await index.suggest('novls ', 10);
    // A misspelt word: its statistics, near-spellings, their counts, then the books.
    expect(titles(first)).toContain('Volume novels-0');
    expect(counting.calls).toEqual({ search: 4, msearch: 0 });

    counting.reset();
    expect(await index.suggest('novls ', 10)).toEqual(first);
    expect(counting.calls).toEqual({ search: 0, msearch: 1 });
  });

  it('plans again when another writer has changed the statistics since, answering as a fresh request', async () => {
    const counting = countingClient();
    const index = new OpenSearchSearchIndex({ client: counting.client, ...options });
    const before = await index.suggest('novels ', 20);
    expect(titles(before)).toContain('Volume novels-0');

    // Another instance (as another process would) changes the statistics of "novels".
    await writer.upsert(MORE_NOVELS);
    counting.reset();
    const after = await index.suggest('novels ', 20);
    expect(after).toEqual(await fresh('novels ', 20));
    expect(titles(after)).toContain('Volume novels-1');
    // The request sent with the check is thrown away, and sent again as planned from the fresh statistics.
    expect(counting.calls).toEqual({ search: 1, msearch: 1 });
  });

  it('forgets them after its own writes, fetching fresh ones first', async () => {
    const counting = countingClient();
    const index = new OpenSearchSearchIndex({ client: counting.client, ...options });
    await index.suggest('volume nov', 10);
    await index.upsert([book('novel-extra', 'Yet another novel.')]);
    counting.reset();
    const after = await index.suggest('volume nov', 10);
    expect(counting.calls.msearch).toBe(0);
    expect(after).toEqual(await fresh('volume nov'));
  });
});
