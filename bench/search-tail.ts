/**
 * `npx tsx bench/search-tail.ts --file search.db [--top 25]`: how long each query of the HTTP bench's
 * mixed pool (words and pairs, prefixes, typos) takes the embedded index in process, and which are
 * slowest. A first pass warms the process (other page sizes, so no answer is reused); the measured pass
 * asks every query once with a page size of its own, so the result cache never answers. Prints the
 * distribution (ms), each kind of query's mean and share of the time, and the slowest queries with their totals. Use a copy of a search.db (a store made
 * by `bookstore import`, e.g. bench/serve-profile.ts's data directory): the index may write to it.
 * Figures to report, not to assert.
 */
import { loadavg } from 'node:os';
import { SqliteSearchIndex } from '../src/adapters/embedded/sqlite-search-index.js';
import { mixedSearchQueries, percentile, searchQueries } from './harness.js';

const args = process.argv.slice(2);
const option = (name: string) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : undefined);
const file = option('file');
if (!file) {
  console.error('usage: npx tsx bench/search-tail.ts --file search.db [--top 25]');
  process.exit(2);
}
const top = Number(option('top') ?? 25);

const index = SqliteSearchIndex.open(file);
try {
  const queries = mixedSearchQueries();
  const started = loadavg()[0]!.toFixed(1);
  for (const q of queries) await index.search({ q, sort: 'relevance', limit: 19 });
  const times: Array<{ ms: number; q: string; total: number }> = [];
  for (const q of queries) {
    const t = performance.now();
    const r = await index.search({ q, sort: 'relevance', limit: 20 });
    times.push({ ms: performance.now() - t, q, total: r.total });
  }
  const sorted = times.map((t) => t.ms).sort((a, b) => a - b);
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  const f = (p: number) => percentile(sorted, p).toFixed(2);
  console.log(`${sorted.length} queries: p50 ${f(50)} ms, p90 ${f(90)}, p99 ${f(99)}, max ${sorted[sorted.length - 1]!.toFixed(2)}, mean ${mean.toFixed(2)} (load ${started} → ${loadavg()[0]!.toFixed(1)})`);
  // Where the time goes by kind of query: each pool's share of the total, and its mean.
  const pools = searchQueries();
  const kinds: Array<[string, Set<string>]> = [
    ['words', new Set(pools.common.filter((q) => !q.includes(' ')))],
    ['pairs', new Set(pools.common.filter((q) => q.includes(' ')))],
    ['prefixes', new Set(pools.prefixes)],
    ['typos', new Set(pools.typos)],
  ];
  const all = times.reduce((a, t) => a + t.ms, 0);
  for (const [kind, set] of kinds) {
    const of = times.filter((t) => set.has(t.q));
    const sum = of.reduce((a, t) => a + t.ms, 0);
    console.log(`${kind.padEnd(9)} ${String(of.length).padStart(4)} queries, mean ${(sum / of.length).toFixed(2)} ms, ${((100 * sum) / all).toFixed(0)}% of the time`);
  }
  for (const t of times.sort((a, b) => b.ms - a.ms).slice(0, top)) console.log(`${t.ms.toFixed(2).padStart(8)} ms ${t.total.toString().padStart(7)} matches  ${t.q}`);
} finally {
  await index.close();
}
