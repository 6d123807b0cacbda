/**
 * The relevance suite (test/relevance) on the engines profile's search index: the same books, loaded
 * straight into an OpenSearch index, and the same queries through the search use case, held to the
 * same floor as the embedded profile. The exact figures are printed for docs/benchmarks.md.
 */
import { Client } from '@opensearch-project/opensearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenSearchSearchIndex } from '../../src/adapters/opensearch/opensearch-search-index.js';
import { indexPattern, templateName } from '../../src/adapters/opensearch/search-index-template.js';
import { describeRelevance, measureRelevance, relevanceDocuments, RELEVANCE_FLOOR, RELEVANCE_QUERIES, searchThrough, suiteProblems } from '../relevance/relevance-suite.js';
import { endpoints, uniqueName } from './endpoints.js';

const client = new Client({ node: endpoints.opensearch });
const alias = uniqueName('relevance');
const index = new OpenSearchSearchIndex({ client, alias, replicas: 0, refreshInterval: '100ms' });

beforeAll(async () => {
  await index.upsert(await relevanceDocuments());
});

afterAll(async () => {
  await index.close();
  await client.indices.delete({ index: indexPattern(alias) }).catch(() => undefined);
  await client.indices.deleteIndexTemplate({ name: templateName(alias) }).catch(() => undefined);
  await client.close();
});

describe('relevance suite on OpenSearch', () => {
  it('holds every book of the suite, each query naming one of them', async () => {
    const docs = await relevanceDocuments();
    expect(suiteProblems(docs)).toEqual([]);
    expect(await index.count()).toBe(docs.length);
    expect(RELEVANCE_QUERIES.length).toBeGreaterThanOrEqual(150);
  });

  it('finds the book each query names, at or above the floor', async () => {
    const report = await measureRelevance(searchThrough(index));
    console.log(describeRelevance('engines: OpenSearch', report));
    expect(report.top3 / report.queries).toBeGreaterThanOrEqual(RELEVANCE_FLOOR.top3);
    expect(report.top1 / report.queries).toBeGreaterThanOrEqual(RELEVANCE_FLOOR.top1);
  });

  it('says what it searched when it corrected or relaxed the query, and searches the words as typed when told', async () => {
    const corrected = await index.search({ q: 'to kil a mockingbird', sort: 'relevance', limit: 3 });
    expect(corrected.hits[0]?.book.title).toBe('To Kill a Mockingbird');
    expect(corrected.correctedQuery).toBe('to kill a mockingbird');
    const exact = await index.search({ q: 'to kil a mockingbird', sort: 'relevance', limit: 3, autocorrect: false });
    expect(exact.total).toBe(0);
    expect(exact.correctedQuery).toBeUndefined();
    const relaxed = await index.search({ q: 'twilite meyer', sort: 'relevance', limit: 3 });
    expect(relaxed.hits[0]?.book.title).toBe('Twilight (The Twilight Saga, #1)');
    expect(relaxed.correctedQuery).toBeDefined();
  });

  it('shows the authors and cover beside a suggested title', async () => {
    const [mockingbird] = await index.suggest('to kill a mock', 5);
    expect(mockingbird).toMatchObject({ text: 'To Kill a Mockingbird', authors: ['Harper Lee'] });
    const [doc] = await relevanceDocuments();
    await index.upsert([{ ...doc!, id: 'covered', isbn: '9780000000019', title: 'Quillwort Almanac', coverUrl: 'https://covers.example/q.jpg' }]);
    const [covered] = await index.suggest('quillw', 5);
    expect(covered).toMatchObject({ bookId: 'covered', coverUrl: 'https://covers.example/q.jpg', authors: doc!.authors });
  });
});
