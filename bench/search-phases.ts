/**
 * `npx tsx bench/search-phases.ts [--url http://127.0.0.1:9200] [--rounds 3]`: where an engines
 * search's time goes. The relevance suite's books in a throwaway OpenSearch index; each suite query
 * through `OpenSearchSearchIndex.search`, with the client wrapped to count round trips and to time
 * each one beside OpenSearch's own `took`. Prints, per round: adapter p50/p95, requests per search,
 * HTTP round trip p50 and OpenSearch `took` p50 (the difference is transport and JSON), and the
 * share of searches that needed a second or third request. Figures to report, not to assert.
 */
import { Client } from '@opensearch-project/opensearch';
import { OpenSearchSearchIndex, type OpenSearchSearchClient } from '../src/adapters/opensearch/opensearch-search-index.js';
import { indexPattern, templateName } from '../src/adapters/opensearch/search-index-template.js';
import { RELEVANCE_QUERIES, relevanceDocuments } from '../test/relevance/relevance-suite.js';

const args = process.argv.slice(2);
const option = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const url = option('--url') ?? process.env.BOOKSTORE_OPENSEARCH_URL ?? 'http://127.0.0.1:9200';
const rounds = Number(option('--rounds') ?? 3);
const client = new Client({ node: url });
const alias = `search-phases-${Date.now().toString(36)}`;

interface Trip { ms: number; took: number }
let trips: Trip[] = [];
const timed = <T extends { body: unknown }>(call: () => Promise<T>): Promise<T> => {
  const started = performance.now();
  return call().then((r) => {
    const body = r.body as { took?: number; responses?: Array<{ took?: number }> };
    const took = body.took ?? Math.max(0, ...(body.responses ?? []).map((x) => x.took ?? 0));
    trips.push({ ms: performance.now() - started, took });
    return r;
  });
};
const counted = Object.create(client) as OpenSearchSearchClient;
Object.assign(counted, {
  search: (p: Parameters<OpenSearchSearchClient['search']>[0]) => timed(() => client.search(p as never)),
  msearch: (p: Parameters<OpenSearchSearchClient['msearch']>[0]) => timed(() => client.msearch(p as never)),
});

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)]!;
};

const index = new OpenSearchSearchIndex({ client: counted as never, alias, replicas: 0 });
try {
  await index.upsert(await relevanceDocuments());
  for (let round = 1; round <= rounds; round++) {
    const totals: number[] = [];
    const perSearch: number[] = [];
    const allTrips: Trip[] = [];
    for (const { q } of RELEVANCE_QUERIES) {
      trips = [];
      const started = performance.now();
      await index.search({ q, sort: 'relevance', limit: 10 });
      totals.push(performance.now() - started);
      perSearch.push(trips.length);
      allTrips.push(...trips);
    }
    const multi = perSearch.filter((n) => n > 1).length;
    console.log(
      `round ${round}: search p50 ${pct(totals, 0.5).toFixed(2)} ms, p95 ${pct(totals, 0.95).toFixed(2)} ms; ` +
        `requests/search mean ${(allTrips.length / perSearch.length).toFixed(2)} (${multi}/${perSearch.length} needed more than one); ` +
        `per request: round trip p50 ${pct(allTrips.map((t) => t.ms), 0.5).toFixed(2)} ms, p95 ${pct(allTrips.map((t) => t.ms), 0.95).toFixed(2)} ms, ` +
        `OpenSearch took p50 ${pct(allTrips.map((t) => t.took), 0.5)} ms, p95 ${pct(allTrips.map((t) => t.took), 0.95)} ms`,
    );
  }
} finally {
  await client.indices.delete({ index: indexPattern(alias) }).catch(() => undefined);
  await client.indices.deleteIndexTemplate({ name: templateName(alias) }).catch(() => undefined);
  await client.close();
}
