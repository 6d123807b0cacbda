/**
 * `npx tsx bench/ranking-index.ts [--books N] [--file path]`: the embedded index's two rankers side
 * by side, in-process, on the benchmark's query pools: time to load the in-memory ranking index,
 * its memory, and per-query latency of each ranker. Every query is asked once of each ranker, the
 * two in turn query by query so both meet the same machine load; nothing repeats, so the result
 * caches never answer. The load is timed twice: from the tables (tokenizing every stored body) and
 * from the snapshot the first load saved.
 *
 * `--file` reuses a search.db (e.g. one filled by an earlier run), otherwise one is filled with
 * generated books first.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
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

rmSync(`${file}.ranking`, { force: true });
for (let round = 0; round < 2; round++) {
  const rssBefore = process.memoryUsage().rss;
  const index = SqliteSearchIndex.open(file);
  const started = performance.now();
  await index.search({ q: '', sort: 'relevance', limit: 1 });
  const loadMs = performance.now() - started;
  const rssAfter = process.memoryUsage().rss;
  console.log(`ranking index loaded from the ${index.rankingLoad?.source} in ${(loadMs / 1000).toFixed(2)} s (${index.rankingLoad?.documents.toLocaleString('en')} books); RSS ${mib(rssBefore)} → ${mib(rssAfter)}`);
  await index.close();
}
const memory = SqliteSearchIndex.open(file);
await memory.search({ q: '', sort: 'relevance', limit: 1 });
const fts5 = SqliteSearchIndex.open(file, { ranker: 'fts5' });
let started = 0;

const pools = searchQueries();
const kinds = { words: pools.common, prefixes: pools.prefixes, typos: pools.typos };
const line = (name: string, kind: string, times: number[]) =>
  `| ${name} | ${kind} | ${times.length} | ${percentile(times, 50).toFixed(2)} | ${percentile(times, 90).toFixed(2)} | ${percentile(times, 99).toFixed(2)} | ${Math.max(...times).toFixed(1)} |`;
console.log('| ranker | queries | n | p50 ms | p90 ms | p99 ms | max ms |\n| --- | --- | ---: | ---: | ---: | ---: | ---: |');
for (const [kind, queries] of Object.entries(kinds)) {
  const times = { memory: [] as number[], fts5: [] as number[] };
  for (const q of queries) {
    for (const [name, ranker] of [['memory', memory], ['fts5', fts5]] as const) {
      started = performance.now();
      await ranker.search({ q, sort: 'relevance', limit: 20 });
      times[name].push(performance.now() - started);
    }
  }
  console.log(line('in-memory', kind, times.memory));
  console.log(line('FTS5 bm25', kind, times.fts5));
}
await memory.close();
await fts5.close();
