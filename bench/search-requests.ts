/**
 * `npx tsx bench/search-requests.ts`: where an OpenSearch search spends its time, request by request.
 *
 * Fills an index of its own (a random alias on the running OpenSearch, removed at the end) with the
 * demo catalog and runs, one at a time, a few kinds of search from the generator's vocabulary: one
 * word, two words, a prefix being typed, a one-edit typo, filters with facets, sorted by price. Each
 * of the adapter's requests is timed as the client sees it and as OpenSearch reports it (`took`), by
 * kind: term statistics, near-spellings (the suggester), the search itself, and the search planned
 * from statistics kept from earlier searches, sent in one `_msearch` with a request asking them again; the embedded index
 * answers the same queries for comparison. `--profile` also runs a few searches with OpenSearch's
 * `profile: true` and prints where the query phase spent its time.
 *
 * Then all kinds at once from `--concurrency` searches in flight, as a loaded server would send them:
 * searches per second and latency, which on a small machine is bound by what each search costs.
 *
 * Options: --books N (default 1000), --queries N per kind (60), --rounds N (2: the first round meets
 * an index fresh from its writes, later ones repeat the same queries, which the embedded index then
 * answers from its result cache), --concurrency N (10; 0 skips it), --profile.
 */
import { Client } from '@opensearch-project/opensearch';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteSearchIndex } from '../src/adapters/embedded/sqlite-search-index.js';
import { OpenSearchSearchIndex, type OpenSearchSearchClient } from '../src/adapters/opensearch/opensearch-search-index.js';
import { indexPattern, templateName } from '../src/adapters/opensearch/search-index-template.js';
import { generateBooks } from '../src/cli/seed/demo-data.js';
import type { SearchDocument, SearchIndex, SearchQuery } from '../src/ports/search-index.js';
import { searchQueries } from './harness.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const BOOKS = option('books', 1000);
const QUERIES = option('queries', 60);
const ROUNDS = option('rounds', 2);
const CONCURRENCY = option('concurrency', 10);
const PROFILE = args.includes('--profile');

type Json = Record<string, unknown>;
/** `checked search`: a search planned from kept statistics, sent in one `_msearch` with a request asking them again. */
type Kind = 'statistics' | 'near-spellings' | 'search' | 'checked search';

/** What a request body asks for, told apart by shape (see search-statistics.ts and opensearch-search-index.ts). */
function kindOf(body: Json): Kind {
  if (body.size === 0) return body.suggest ? 'near-spellings' : 'statistics';
  return 'search';
}

interface Timing {
  kind: Kind;
  ms: number;
  took: number;
}

/** The client with each `search` timed; `timings` collects them until the caller takes them. */
function timedClient(client: Client): { client: OpenSearchSearchClient; take(): Timing[]; lastSearch(): Json | null } {
  let timings: Timing[] = [];
  let last: Json | null = null;
  const inner = client as unknown as OpenSearchSearchClient;
  const timed: OpenSearchSearchClient = {
    count: (p) => inner.count(p),
    bulk: (p) => inner.bulk(p),
    indices: inner.indices,
    async search(params) {
      const started = performance.now();
      const response = await inner.search(params);
      const kind = kindOf(params.body);
      if (kind === 'search') last = params.body;
      timings.push({ kind, ms: performance.now() - started, took: (response.body as { took?: number }).took ?? 0 });
      return response;
    },
    async msearch(params) {
      const started = performance.now();
      const response = await inner.msearch(params);
      last = params.body.at(-1)!;
      timings.push({ kind: 'checked search', ms: performance.now() - started, took: (response.body as { took?: number }).took ?? 0 });
      return response;
    },
  };
  return {
    client: timed,
    take: () => {
      const t = timings;
      timings = [];
      return t;
    },
    lastSearch: () => last,
  };
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const fmt = (n: number) => n.toFixed(1).padStart(6);

/** The kinds of search measured, each a list of distinct queries from the generator's vocabulary. */
function workload(): Array<[string, SearchQuery[]]> {
  const { common, prefixes, typos } = searchQueries();
  const words = common.filter((q) => !q.includes(' '));
  const pairs = common.filter((q) => q.includes(' '));
  const spread = <T>(list: T[]) => Array.from({ length: QUERIES }, (_, i) => list[Math.floor((i * list.length) / QUERIES)]!);
  const q = (text: string, fields: Partial<SearchQuery> = {}): SearchQuery => ({ q: text, sort: 'relevance', limit: 20, ...fields });
  const categories = ['Fiction', 'Science', 'History', 'Cooking'];
  return [
    ['one word', spread(words).map((w) => q(`${w} `))],
    ['two words', spread(pairs).map((p) => q(`${p} `))],
    ['a prefix being typed', spread(prefixes).map((p) => q(p))],
    ['a one-edit typo', spread(typos).map((t) => q(`${t} `))],
    ['filters + facets', spread(words).map((w, i) => q(`${w} `, { category: categories[i % categories.length], minPrice: 500, maxPrice: 3000, minRating: 3 }))],
    ['sorted by price', spread(words).map((w) => q(`${w} `, { sort: 'price_asc' }))],
  ];
}

interface Row {
  kind: string;
  embedded: number[];
  total: number[];
  requests: number[];
  /** This process's CPU time over the OpenSearch searches (the adapter and the client), ms. */
  cpu: number;
  /** OpenSearch's own time (`took`), summed over each search's requests. */
  took: number[];
  byKind: Map<Kind, { ms: number[]; took: number[] }>;
}

async function measure(embedded: SearchIndex, opensearch: SearchIndex, timing: ReturnType<typeof timedClient>): Promise<Row[]> {
  const rows: Row[] = [];
  for (const [kind, queries] of workload()) {
    const row: Row = { kind, embedded: [], total: [], requests: [], cpu: 0, took: [], byKind: new Map() };
    for (const query of queries) {
      let started = performance.now();
      await embedded.search(query);
      row.embedded.push(performance.now() - started);
      timing.take();
      started = performance.now();
      const cpu = process.cpuUsage();
      await opensearch.search(query);
      const used = process.cpuUsage(cpu);
      row.cpu += (used.user + used.system) / 1000;
      row.total.push(performance.now() - started);
      const timings = timing.take();
      row.requests.push(timings.length);
      row.took.push(timings.reduce((sum, t) => sum + t.took, 0));
      for (const t of timings) {
        const entry = row.byKind.get(t.kind) ?? { ms: [], took: [] };
        entry.ms.push(t.ms);
        entry.took.push(t.took);
        row.byKind.set(t.kind, entry);
      }
    }
    rows.push(row);
  }
  return rows;
}

function print(round: number, rows: Row[]): void {
  console.log(`\nround ${round}: ms per search, p50 / p99 (${QUERIES} queries per kind, one at a time); requests, OpenSearch's took and this process's CPU: means per search`);
  console.log(`${'kind'.padEnd(22)} ${'embedded'.padStart(15)} ${'opensearch'.padStart(15)} ${'requests'.padStart(8)} ${'took'.padStart(6)} ${'cpu'.padStart(6)}  per request: client ms p50/p99 (took p50), count`);
  for (const r of rows) {
    const parts = (['statistics', 'near-spellings', 'search', 'checked search'] as Kind[]).flatMap((k) => {
      const e = r.byKind.get(k);
      return e ? [`${k} ${fmt(percentile(e.ms, 50))}/${fmt(percentile(e.ms, 99))} (${percentile(e.took, 50)}) x${e.ms.length}`] : [];
    });
    const mean = r.requests.reduce((a, b) => a + b, 0) / r.requests.length;
    const took = r.took.reduce((a, b) => a + b, 0) / r.took.length;
    console.log(
      `${r.kind.padEnd(22)} ${fmt(percentile(r.embedded, 50))} /${fmt(percentile(r.embedded, 99))} ${fmt(percentile(r.total, 50))} /${fmt(percentile(r.total, 99))} ${mean.toFixed(2).padStart(8)} ${fmt(took)} ${fmt(r.cpu / r.total.length)}  ${parts.join('; ')}`,
    );
  }
}

/** Every query of every kind, `CONCURRENCY` in flight at a time, twice over (the first pass as a warm-up). */
async function concurrent(opensearch: SearchIndex): Promise<void> {
  const queries = workload().flatMap(([, list]) => list);
  for (const pass of ['warm-up', 'measured']) {
    const latencies: number[] = [];
    let next = 0;
    const started = performance.now();
    const cpu = process.cpuUsage();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < queries.length) {
          const query = queries[next++]!;
          const at = performance.now();
          await opensearch.search(query);
          latencies.push(performance.now() - at);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    if (pass === 'measured') {
      const perSearch = (used.user + used.system) / 1000 / queries.length;
      console.log(`\n${CONCURRENCY} in flight, ${queries.length} searches of all kinds: ${(queries.length / seconds).toFixed(0)} searches/s, p50 ${fmt(percentile(latencies, 50))} ms, p99 ${fmt(percentile(latencies, 99))} ms; this process's CPU ${perSearch.toFixed(2)} ms per search`);
    }
  }
}

interface ProfiledNode {
  type: string;
  description: string;
  time_in_nanos: number;
  children?: ProfiledNode[];
}

/** Query-phase time by query type, over the top three levels of each tree (a node's time includes its children's). */
function profileSummary(tree: ProfiledNode[]): string {
  const own = new Map<string, number>();
  const walk = (node: ProfiledNode, depth: number) => {
    if (depth <= 2) own.set(`${'  '.repeat(depth)}${node.type}`, (own.get(`${'  '.repeat(depth)}${node.type}`) ?? 0) + node.time_in_nanos);
    for (const c of node.children ?? []) walk(c, depth + 1);
  };
  for (const n of tree) walk(n, 0);
  return [...own].map(([type, ns]) => `    ${type}: ${(ns / 1e6).toFixed(2)} ms`).join('\n');
}

async function profile(raw: Client, alias: string, opensearch: SearchIndex, timing: ReturnType<typeof timedClient>): Promise<void> {
  console.log('\nprofile: true on the main search (query phase by query type; collectors; aggregations)');
  for (const [kind, queries] of workload()) {
    const query = queries[0]!;
    await opensearch.search(query);
    timing.take();
    const body = timing.lastSearch()!;
    const { body: answer } = await raw.search({ index: alias, body: { ...body, profile: true } });
    const shard = (answer as unknown as { took: number; profile: { shards: Array<{ searches: Array<{ query: ProfiledNode[]; collector: ProfiledNode[] }>; aggregations: ProfiledNode[] }> } }).profile.shards[0]!;
    const took = (answer as unknown as { took: number }).took;
    const collectors = shard.searches[0]!.collector.reduce((s, c) => s + c.time_in_nanos, 0);
    const aggs = shard.aggregations.reduce((s, a) => s + a.time_in_nanos, 0);
    console.log(`  ${kind} (${JSON.stringify(query.q)}${query.sort !== 'relevance' ? `, ${query.sort}` : ''}): took ${took} ms; collectors ${(collectors / 1e6).toFixed(2)} ms; aggregations ${(aggs / 1e6).toFixed(2)} ms`);
    console.log(profileSummary(shard.searches[0]!.query));
  }
}

async function main(): Promise<void> {
  const raw = new Client({ node: process.env.BOOKSTORE_OPENSEARCH_URL ?? 'http://127.0.0.1:9200' });
  const alias = `bench-search-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'bookstore-search-requests-'));
  const timing = timedClient(raw);
  // As the engines profile runs it, but without replicas on one node.
  const opensearch = new OpenSearchSearchIndex({ client: timing.client, alias, replicas: 0, refreshInterval: '1s' });
  const embedded = SqliteSearchIndex.open(join(dir, 'search.db'));
  try {
    const books: SearchDocument[] = [...generateBooks(42, BOOKS)].map((b) => ({ ...b, id: `b-${b.isbn}`, version: 1 }));
    const started = performance.now();
    for (let at = 0; at < books.length; at += 500) {
      const batch = books.slice(at, at + 500);
      await Promise.all([embedded.upsert(batch), opensearch.upsert(batch)]);
    }
    console.log(`${books.length} books in ${alias} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
    timing.take();
    for (let round = 1; round <= ROUNDS; round++) print(round, await measure(embedded, opensearch, timing));
    if (CONCURRENCY > 0) await concurrent(opensearch);
    timing.take();
    if (PROFILE) await profile(raw, alias, opensearch, timing);
  } finally {
    await embedded.close();
    await raw.indices.delete({ index: indexPattern(alias) }).catch(() => undefined);
    await raw.indices.deleteIndexTemplate({ name: templateName(alias) }).catch(() => undefined);
    await raw.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
