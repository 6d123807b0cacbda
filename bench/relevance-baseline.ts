/**
 * `npx tsx bench/relevance-baseline.ts [--url http://127.0.0.1:9200] [--no-fuzziness]`: the yardstick
 * of issue 12. Puts the relevance suite's books into a throwaway OpenSearch index with default
 * mappings, asks each query as nothing but `multi_match` over title^3, authors^2 and description
 * (with `fuzziness: AUTO` unless told otherwise), prints the suite's figures and deletes the index.
 */
import { randomBytes } from 'node:crypto';
import { Client } from '@opensearch-project/opensearch';
import type { SearchDocument, SearchResult } from '../src/ports/search-index.js';
import { describeRelevance, measureRelevance, relevanceDocuments } from '../test/relevance/relevance-suite.js';

const args = process.argv.slice(2);
const urlAt = args.indexOf('--url');
const url = urlAt >= 0 ? args[urlAt + 1]! : (process.env.BOOKSTORE_OPENSEARCH_URL ?? 'http://127.0.0.1:9200');
const fuzzy = !args.includes('--no-fuzziness');
const client = new Client({ node: url });
const index = `relevance-baseline-${randomBytes(4).toString('hex')}`;

try {
  const docs = await relevanceDocuments();
  await client.indices.create({ index, body: { settings: { number_of_shards: 1, number_of_replicas: 0 } } });
  await client.bulk({
    refresh: true,
    body: docs.flatMap((d) => [{ index: { _index: index, _id: d.id } }, { title: d.title, authors: d.authors, description: d.description }]),
  });
  const byId = new Map(docs.map((d) => [d.id, d]));
  const search = async (q: string): Promise<SearchResult> => {
    const response = await client.search({
      index,
      body: {
        size: 10,
        query: { multi_match: { query: q, fields: ['title^3', 'authors^2', 'description'], ...(fuzzy ? { fuzziness: 'AUTO' } : {}) } },
      },
    });
    const hits = (response.body.hits.hits as Array<{ _id: string; _score: number }>).map((h) => ({
      book: byId.get(h._id) as SearchDocument,
      score: h._score,
      highlights: {},
    }));
    return { hits, total: hits.length, facets: { categories: [], priceRanges: [] }, nextCursor: null };
  };
  console.log(describeRelevance(`OpenSearch multi_match${fuzzy ? ', fuzziness AUTO' : ''}`, await measureRelevance(search)));
} finally {
  await client.indices.delete({ index }, { ignore: [404] });
  await client.close();
}
