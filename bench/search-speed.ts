/**
 * `npx tsx bench/search-speed.ts --before DIR [--file search.db] [--books N] [--rounds 1-3]`: the
 * embedded index of this tree against the one of an earlier tree, in one process on the same
 * search.db, on the benchmark's query pools (whole `search()` and `suggest()` calls). DIR holds that
 * tree's `src` (e.g. `git archive <commit> src | tar -x -C DIR` and a `node_modules` link). Each
 * query is asked of both, in turn, the order alternating, so both meet the same machine load; each
 * query once per round, so the result caches never answer. The load averages are printed with the
 * figures: on a shared machine they say what the figures are worth.
 *
 * `--write-every N` writes one book (its price up by one) after every N queries, as the HTTP bench's
 * admin writes do: each index then meets the write when it next refreshes, and its result caches,
 * kept lists and ranking delta follow it, so the figures include what a write costs the queries.
 * `--only words,prefixes,typos,suggest` runs some of the query kinds.
 */
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { SqliteSearchIndex } from '../src/adapters/embedded/sqlite-search-index.js';
import { generateBooks } from '../src/cli/seed/demo-data.js';
import type { SearchDocument, SearchIndex } from '../src/ports/search-index.js';
import { percentile, searchQueries } from './harness.js';

const args = process.argv.slice(2);
const option = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const before = option('before');
if (!before) {
  console.error('usage: npx tsx bench/search-speed.ts --before DIR [--file search.db] [--books N] [--rounds R] [--write-every N] [--only KINDS]');
  process.exit(2);
}
const BOOKS = Number(option('books') ?? 100_000);
const ROUNDS = Math.min(3, Number(option('rounds') ?? 1));
const WRITE_EVERY = Number(option('write-every') ?? 0);
const file = option('file') ?? `/tmp/bookstore-search-speed-${BOOKS}.db`;
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');

if (!existsSync(file)) {
  const index = SqliteSearchIndex.open(file);
  let batch: SearchDocument[] = [];
  for (const b of generateBooks(42, BOOKS)) {
    batch.push({ ...b, id: `b-${b.isbn}`, version: 1 });
    if (batch.length === 2000) {
      await index.upsert(batch);
      batch = [];
    }
  }
  await index.upsert(batch);
  await index.close();
  console.error(`filled ${file} with ${BOOKS.toLocaleString('en')} books`);
}

const earlier = (await import(resolve(before, 'src/adapters/embedded/sqlite-search-index.ts'))) as { SqliteSearchIndex: typeof SqliteSearchIndex };
const indexes: Array<[string, SearchIndex & { close(): Promise<void> }]> = [
  ['before', earlier.SqliteSearchIndex.open(file, { rankingSnapshot: null })],
  ['after', SqliteSearchIndex.open(file)],
];
for (const [, index] of indexes) await index.search({ q: '', sort: 'relevance', limit: 1 });
console.log(`load average at start: ${load()}`);

const pools = searchQueries();
const kinds: Array<[string, string[], (index: SearchIndex, q: string) => Promise<unknown>]> = [
  ['words', pools.common, (index, q) => index.search({ q, sort: 'relevance', limit: 20 })],
  ['prefixes', pools.prefixes, (index, q) => index.search({ q, sort: 'relevance', limit: 20 })],
  ['typos', pools.typos, (index, q) => index.search({ q, sort: 'relevance', limit: 20 })],
  ['suggest', pools.prefixes, (index, q) => index.suggest(q, 10)],
];
console.log('| tree | queries | n | p50 ms | p90 ms | p99 ms | max ms |\n| --- | --- | ---: | ---: | ---: | ---: | ---: |');
let turn = 0;
let writes = 0;
const written = WRITE_EVERY > 0 ? (await indexes[1]![1].search({ q: '', sort: 'rating', limit: 50 })).hits.map((h) => h.book) : [];
const only = option('only')?.split(',');
for (const [kind, queries, ask] of kinds.filter(([kind]) => !only || only.includes(kind))) {
  const times = new Map(indexes.map(([name]) => [name, [] as number[]]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const base of queries) {
      // Each round spells the query in its own case (folded away by the parser), so the result caches stay cold.
      const q = [base, base.toUpperCase(), base.charAt(0).toUpperCase() + base.slice(1)][round % 3]!;
      if (WRITE_EVERY > 0 && turn % WRITE_EVERY === 0) {
        const book = written[writes++ % written.length]!;
        await indexes[1]![1].upsert([{ ...book, price: book.price + writes, version: book.version + writes }]);
      }
      const order = turn++ % 2 === 0 ? indexes : [...indexes].reverse();
      for (const [name, index] of order) {
        const started = performance.now();
        await ask(index, q);
        times.get(name)!.push(performance.now() - started);
      }
    }
  }
  for (const [name, t] of times) {
    console.log(`| ${name} | ${kind} | ${t.length} | ${percentile(t, 50).toFixed(2)} | ${percentile(t, 90).toFixed(2)} | ${percentile(t, 99).toFixed(2)} | ${Math.max(...t).toFixed(1)} |`);
  }
}
console.log(`load average at end: ${load()}${WRITE_EVERY > 0 ? `; ${writes} writes, one every ${WRITE_EVERY} queries` : ''}`);
for (const [, index] of indexes) await index.close();
