/**
 * `npx tsx bench/relevance-profiles.ts [--url http://127.0.0.1:9200] [--rounds 2]`: the relevance
 * suite's books in an embedded search index (SQLite, in a temporary directory) and in a throwaway
 * OpenSearch index, then the suite's queries against each in turn, for several rounds: prints each
 * profile's top-1/top-3 and search p50/p95 (`SearchIndex.search`, 10 hits, facets and highlights
 * included). Figures to report, not to assert: the machine's load moves them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@opensearch-project/opensearch';
import { SqliteSearchIndex } from '../src/adapters/embedded/sqlite-search-index.js';
import { OpenSearchSearchIndex } from '../src/adapters/opensearch/opensearch-search-index.js';
import { indexPattern, templateName } from '../src/adapters/opensearch/search-index-template.js';
import type { SearchIndex } from '../src/ports/search-index.js';
import { measureRelevance, relevanceDocuments } from '../test/relevance/relevance-suite.js';

const args = process.argv.slice(2);
const option = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const url = option('--url') ?? process.env.BOOKSTORE_OPENSEARCH_URL ?? 'http://127.0.0.1:9200';
const rounds = Number(option('--rounds') ?? 2);
const client = new Client({ node: url });
const alias = `relevance-profiles-${Date.now().toString(36)}`;
const dir = mkdtempSync(join(tmpdir(), 'bookstore-relevance-'));
const embedded = SqliteSearchIndex.open(join(dir, 'search.db'));
const opensearch = new OpenSearchSearchIndex({ client, alias, replicas: 0 });

try {
  const docs = await relevanceDocuments();
  await embedded.upsert(docs);
  await opensearch.upsert(docs);
  for (let round = 1; round <= rounds; round++) {
    for (const [name, index] of [['embedded', embedded], ['engines (OpenSearch)', opensearch]] as Array<[string, SearchIndex]>) {
      const r = await measureRelevance((q) => index.search({ q, sort: 'relevance', limit: 10 }));
      console.log(
        `round ${round} ${name}: top-1 ${r.top1}/${r.queries}, top-3 ${r.top3}/${r.queries}; search p50 ${r.millis.p50.toFixed(2)} ms, p95 ${r.millis.p95.toFixed(2)} ms`,
      );
    }
  }
} finally {
  await embedded.close();
  await client.indices.delete({ index: indexPattern(alias) }).catch(() => undefined);
  await client.indices.deleteIndexTemplate({ name: templateName(alias) }).catch(() => undefined);
  await client.close();
  rmSync(dir, { recursive: true, force: true });
}
