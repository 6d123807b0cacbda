/**
 * `npx tsx bench/ranking-index.ts [--books N] [--file path]`: the embedded index's two rankers side
 * by side, in-process, on the benchmark's query pools: time to load the in-memory ranking index,
 * its memory, and per-query latency of each ranker (every query once, uncached: each is asked of a
 * fresh handle pair in turn, so the result cache never answers).
 *
 * `--file` reuses a search.db (e.g. one filled by an earlier run), otherwise one is filled with
 * generated books first.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteSearchIndex } from '../src/adapters/embedded/sqlite-search-index.js';
import { generateBooks } from '../src/cli/seed/demo-data.js';
import type { SearchDocument } from '../src/ports/search-index.js';
import { percentile, searchQueries } from './harness.js';

const args = process.argv.slice(2);
const option = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const BOOKS = Number(option('books') ?? 100_000);
const file = option('file') ?? join(mkdtempSync(join(tmpdir(), 'bookstore-ranking-')), 'search.db');

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

if (!existsSync(file) || option('file') === undefined) {
  const index = SqliteSearchIndex.open(file);
  let batch: SearchDocument[] = [];
  let n = 0;
  const started = performance.now();
  for (const b of generateBooks(42, BOOKS)) {
    batch.push({ ...b, id: `b-${b.isbn}`, version: 1 });
    if (batch.length === 2000) {
      await index.upsert(batch);
      batch = [];
      n += 2000;
      if (n % 20_000 === 0) console.error(`  ${n.toLocaleString('en')} books indexed`);
    }
  }
  await index.upsert(batch);
  console.error(`filled ${file} with ${BOOKS.toLocaleString('en')} books in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  await index.close();
}

const rssBefore = process.memoryUsage().rss;
const memory = SqliteSearchIndex.open(file);
let started = performance.now();
await memory.search({ q: '', sort: 'relevance', limit: 1 });
const loadMs = performance.now() - started;
const rssAfter = process.memoryUsage().rss;
const fts5 = SqliteSearchIndex.open(file, { ranker: 'fts5' });
console.log(`loaded the ranking index in ${(loadMs / 1000).toFixed(2)} s; RSS ${mib(rssBefore)} → ${mib(rssAfter)} (+${mib(rssAfter - rssBefore)}); ${JSON.stringify((memory as any).rankingStats?.() ?? {})}`);

const pools = searchQueries();
const kinds = { words: pools.common, prefixes: pools.prefixes, typos: pools.typos };
// A different limit per pass keeps the result cache from answering a query asked before.
for (const [name, ranker] of [['memory', memory], ['fts5', fts5]] as const) {
  for (const [kind, queries] of Object.entries(kinds)) {
    const times: number[] = [];
    for (const q of queries) {
      started = performance.now();
      await ranker.search({ q, sort: 'relevance', limit: 20 });
      times.push(performance.now() - started);
    }
    console.log(`${name.padEnd(6)} ${kind.padEnd(8)} n=${times.length} p50 ${percentile(times, 50).toFixed(2)} ms, p90 ${percentile(times, 90).toFixed(2)} ms, p99 ${percentile(times, 99).toFixed(2)} ms, max ${Math.max(...times).toFixed(1)} ms`);
  }
}
await memory.close();
await fts5.close();
