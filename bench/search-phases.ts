/**
 * `npx tsx bench/search-phases.ts [--pool suite|mixed] [--rounds 3] [--books 1000] [--concurrency 0]`:
 * where an engines search's time goes, beside the embedded index on the same queries.
 *
 * `suite`: the relevance suite's 438 books and 271 queries; `mixed`: `--books` demo books and the
 * first 600 of `bench:profiles`' mixed query set (words and pairs, prefixes, typos). The books go
 * into a throwaway OpenSearch index (a unique alias, removed at the end) and an embedded index in a
 * temporary directory. Each round runs every query once, one at a time, through each index's
 * `search` (10 hits, facets, highlights), alternating which goes first. The OpenSearch client is
 * wrapped to count round trips and to time each beside OpenSearch's own `took` (the difference is
 * HTTP and JSON), and an empty search is timed first as the floor. The embedded searches are uncached: each round asks a different page size, so its
 * result cache (keyed by the whole query) never answers. `--concurrency N` then runs the engines
 * searches N at a time for throughput. Figures to report, not to assert: the machine's load moves them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@opensearch-project/opensearch';
import { SqliteSearchIndex } from '../src/adapters/embedded/sqlite-search-index.js';
import { OpenSearchSearchIndex, type OpenSearchSearchClient } from '../src/adapters/opensearch/opensearch-search-index.js';
import { indexPattern, templateName } from '../src/adapters/opensearch/search-index-template.js';
import { generateBooks } from '../src/cli/seed/demo-data.js';
import type { SearchDocument, SearchIndex } from '../src/ports/search-index.js';
import { RELEVANCE_QUERIES, relevanceDocuments } from '../test/relevance/relevance-suite.js';
import { mixedSearchQueries } from './harness.js';

const args = process.argv.slice(2);
const option = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const url = option('--url') ?? process.env.BOOKSTORE_OPENSEARCH_URL ?? 'http://127.0.0.1:9200';
const rounds = Number(option('--rounds') ?? 3);
const pool = option('--pool') ?? 'suite';
const books = Number(option('--books') ?? 1000);
const concurrency = Number(option('--concurrency') ?? 0);
const client = new Client({ node: url });
const alias = `search-phases-${Date.now().toString(36)}`;
const dir = mkdtempSync(join(tmpdir(), 'bookstore-search-phases-'));

interface Trip {
  ms: number;
  took: number;
}
let trips: Trip[] = [];
function timed<T extends { body: unknown }>(call: () => Promise<T>): Promise<T> {
  const started = performance.now();
  return call().then((r) => {
    const body = r.body as { took?: number; responses?: Array<{ took?: number }> };
    const took = body.took ?? Math.max(0, ...(body.responses ?? []).map((x) => x.took ?? 0));
    trips.push({ ms: performance.now() - started, took });
    return r;
  });
}
const counted = Object.create(client) as OpenSearchSearchClient;
Object.assign(counted, {
  search: (p: Parameters<OpenSearchSearchClient['search']>[0]) => timed(() => client.search(p as never)),
  msearch: (p: Parameters<OpenSearchSearchClient['msearch']>[0]) => timed(() => client.msearch(p as never)),
});

const pct = (xs: readonly number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)]!;
};
const ms = (x: number) => x.toFixed(2);

const opensearch = new OpenSearchSearchIndex({ client: counted as never, alias, replicas: 0 });
const embedded = SqliteSearchIndex.open(join(dir, 'search.db'));
try {
  const docs: SearchDocument[] =
    pool === 'suite' ? await relevanceDocuments() : [...generateBooks(42, books)].map((b) => ({ ...b, id: `b-${b.isbn}`, version: 1 }));
  const queries = pool === 'suite' ? RELEVANCE_QUERIES.map((r) => r.q) : mixedSearchQueries().slice(0, 600);
  for (let at = 0; at < docs.length; at += 500) await Promise.all([embedded.upsert(docs.slice(at, at + 500)), opensearch.upsert(docs.slice(at, at + 500))]);
  console.log(`pool ${pool}: ${docs.length} books, ${queries.length} queries; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  // The floor under any engines search: a round trip that asks OpenSearch for nothing.
  const empty: number[] = [];
  for (let i = 0; i < 220; i++) {
    const started = performance.now();
    await client.search({ index: alias, body: { size: 0 } });
    if (i >= 20) empty.push(performance.now() - started);
  }
  console.log(`empty round trip (size 0, through the client): p50 ${ms(pct(empty, 0.5))} ms, p95 ${ms(pct(empty, 0.95))} ms`);
  for (let round = 1; round <= rounds; round++) {
    const order: Array<['embedded' | 'engines', SearchIndex]> = [['embedded', embedded], ['engines', opensearch]];
    if (round % 2 === 0) order.reverse();
    for (const [name, index] of order) {
      const totals: number[] = [];
      const perSearch: number[] = [];
      const allTrips: Trip[] = [];
      for (const q of queries) {
        trips = [];
        const started = performance.now();
        await index.search({ q, sort: 'relevance', limit: 9 + round });
        totals.push(performance.now() - started);
        perSearch.push(trips.length);
        allTrips.push(...trips);
      }
      const line = `round ${round} ${name}: p50 ${ms(pct(totals, 0.5))} ms, p95 ${ms(pct(totals, 0.95))} ms, mean ${ms(totals.reduce((a, b) => a + b, 0) / totals.length)} ms`;
      if (name === 'embedded') console.log(`${line} (uncached)`);
      else {
        const multi = perSearch.filter((n) => n > 1).length;
        console.log(
          `${line}; round trips per search ${ms(allTrips.length / perSearch.length)} (${multi}/${perSearch.length} more than one); ` +
            `per round trip p50 ${ms(pct(allTrips.map((t) => t.ms), 0.5))} ms (OpenSearch took p50 ${pct(allTrips.map((t) => t.took), 0.5)} ms), ` +
            `p95 ${ms(pct(allTrips.map((t) => t.ms), 0.95))} ms (took p95 ${pct(allTrips.map((t) => t.took), 0.95)} ms)`,
        );
      }
    }
  }
  if (concurrency > 0) {
    let next = 0;
    const latencies: number[] = [];
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < queries.length * 2) {
          const q = queries[next++ % queries.length]!;
          const at = performance.now();
          await opensearch.search({ q, sort: 'relevance', limit: 10 });
          latencies.push(performance.now() - at);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    console.log(`engines, ${concurrency} in flight: ${(latencies.length / seconds).toFixed(0)} searches/s, p50 ${ms(pct(latencies, 0.5))} ms, p95 ${ms(pct(latencies, 0.95))} ms`);
  }
  console.log(`load average at the end ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
} finally {
  await embedded.close();
  await client.indices.delete({ index: indexPattern(alias) }).catch(() => undefined);
  await client.indices.deleteIndexTemplate({ name: templateName(alias) }).catch(() => undefined);
  await client.close();
  rmSync(dir, { recursive: true, force: true });
}
