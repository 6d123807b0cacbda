/**
 * An index made by an older template (before OpenSearch analyzed the book text itself) is migrated to
 * a new generation the first time an instance meets it: its books become searchable by the new
 * relevance, and its versions and tombstones still rule out older writes.
 */
import { Client } from '@opensearch-project/opensearch';
import { afterAll, describe, expect, it } from 'vitest';
import { OpenSearchSearchIndex } from '../../src/adapters/opensearch/opensearch-search-index.js';
import { generationName, indexPattern, templateName } from '../../src/adapters/opensearch/search-index-template.js';
import type { SearchDocument } from '../../src/ports/search-index.js';
import { endpoints, uniqueName } from './endpoints.js';

const client = new Client({ node: endpoints.opensearch });
const alias = uniqueName('migration');

afterAll(async () => {
  await client.indices.delete({ index: indexPattern(alias) }).catch(() => undefined);
  await client.indices.deleteIndexTemplate({ name: templateName(alias) }).catch(() => undefined);
  await client.close();
});

const book = (id: string, title: string, version: number): SearchDocument => ({
  id,
  isbn: `97800000000${id.padStart(2, '0')}`,
  title,
  authors: ['Harper Lee'],
  category: 'Classics',
  description: 'A lawyer defends a man in a small town.',
  price: 899,
  currency: 'USD',
  coverUrl: null,
  rating: 4.3,
  year: 1960,
  version,
});

/** The first template's shape, as far as a migration reads it: book fields kept in `_source`, text not indexed, no `_meta`. */
const OLD_MAPPING = {
  dynamic: 'strict',
  properties: {
    id: { type: 'keyword' },
    isbn: { type: 'keyword' },
    title: { type: 'text', index: false },
    authors: { type: 'text', index: false },
    category: { type: 'keyword' },
    description: { type: 'text', index: false },
    price: { type: 'long' },
    currency: { type: 'keyword', index: false },
    coverUrl: { type: 'keyword', index: false, doc_values: false },
    rating: { type: 'double' },
    year: { type: 'integer' },
    version: { type: 'long' },
    deleted: { type: 'boolean' },
  },
} as const;

describe('migrating an index made by an older template', () => {
  it('moves its books and tombstones into a new generation the first time it is used', async () => {
    const old = generationName(alias, 'first');
    await client.indices.create({ index: old, body: { settings: { number_of_replicas: 0 }, mappings: OLD_MAPPING, aliases: { [alias]: {} } } });
    const kept = book('1', 'To Kill a Mockingbird', 3);
    await client.bulk({
      refresh: true,
      body: [
        { index: { _index: old, _id: kept.id, version: kept.version, version_type: 'external' } },
        kept,
        { index: { _index: old, _id: '2', version: 5, version_type: 'external_gte' } },
        { id: '2', deleted: true, version: 5 },
      ],
    });

    const index = new OpenSearchSearchIndex({ client, alias, replicas: 0, refreshInterval: '100ms' });
    const result = await index.search({ q: 'to kil a mockingbird', sort: 'relevance', limit: 5 });
    expect(result.hits.map((h) => h.book)).toEqual([kept]);
    expect(await index.count()).toBe(1);
    const live = Object.keys((await client.indices.getAlias({ name: alias })).body as object);
    expect(live).toHaveLength(1);
    expect(live[0]).not.toBe(old);

    // The removal and the stored version still rule out older writes.
    await index.upsert([book('2', 'Go Set a Watchman', 4), book('1', 'An Older Title', 2)]);
    expect(await index.count()).toBe(1);
    expect((await index.search({ q: 'watchman ', sort: 'relevance', limit: 5 })).total).toBe(0);
    expect((await index.search({ q: 'mockingbird ', sort: 'relevance', limit: 5 })).hits[0]?.book.title).toBe('To Kill a Mockingbird');
  });
});
