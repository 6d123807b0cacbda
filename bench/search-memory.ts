/**
 * `node --expose-gc --import tsx bench/search-memory.ts --data-dir DIR [--dist DIR]`: where the
 * embedded search index's memory goes, in process, on an existing data directory: the process's
 * memory (after a forced GC) once the store is open, once the index is loaded and warmed as
 * `bookstore serve` warms it, and after every query of the benchmark's search pools and suggest
 * prefixes, with the sizes of the index's caches. `--dist` measures another build (e.g. a copy of an
 * earlier tree's dist).
 */
import { join, resolve } from 'node:path';
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { percentile, root, searchQueries } from './harness.js';

const args = process.argv.slice(2);
const option = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const dataDir = option('data-dir');
const gc = (globalThis as { gc?: () => void }).gc;
if (!dataDir || !gc) {
  console.error('usage: node --expose-gc --import tsx bench/search-memory.ts --data-dir DIR [--dist DIR]');
  process.exit(2);
}
const dist = resolve(option('dist') ?? join(root, 'dist'));
process.env.BOOKSTORE_DATA_DIR = resolve(dataDir);

const mib = (n: number) => `${(n / 2 ** 20).toFixed(0)} MiB`;
const show = (label: string) => {
  gc();
  gc();
  const m = process.memoryUsage();
  console.log(`${label}: RSS ${mib(m.rss)}, heap used ${mib(m.heapUsed)} of ${mib(m.heapTotal)}, array buffers ${mib(m.arrayBuffers)}`);
};

console.log(`load average at start: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
const { loadConfig } = (await import(pathToFileURL(join(dist, 'config.js')).href)) as typeof import('../src/config.js');
const { openStore } = (await import(pathToFileURL(join(dist, 'composition.js')).href)) as typeof import('../src/composition.js');
const store = await openStore(loadConfig());
await store.projections.catchUp();
show('store open');
const started = performance.now();
for (const q of ['', 'story', 'lo', 'new york']) await store.searchIndex.search({ q, sort: 'relevance', limit: 20 });
console.log(`loaded and warmed in ${((performance.now() - started) / 1000).toFixed(2)} s`);
show('index loaded');
const pools = searchQueries();
const times: number[] = [];
for (const q of [...pools.common, ...pools.prefixes, ...pools.typos]) {
  const at = performance.now();
  await store.searchIndex.search({ q, sort: 'relevance', limit: 20 });
  times.push(performance.now() - at);
}
for (const q of pools.prefixes) await store.searchIndex.suggest(q, 10);
console.log(`${times.length} searches: p50 ${percentile(times, 50).toFixed(1)} ms, p99 ${percentile(times, 99).toFixed(1)} ms; then ${pools.prefixes.length} suggestions`);
show('after the searches');
// The caches' sizes, where this build has them (private fields, read for the report only).
const index = store.searchIndex as unknown as Record<string, { size?: number; bytes?: number; entries?: Map<unknown, unknown> } | undefined>;
const size = (name: string) => {
  const cache = index[name];
  const entries = cache?.size ?? cache?.entries?.size;
  return entries === undefined ? 'n/a' : `${entries}${cache?.bytes !== undefined ? ` (${mib(cache.bytes)} estimated)` : ''}`;
};
console.log(`caches: books ${size('books')}, search answers ${size('searches')}, suggestions ${size('suggestions')}`);
console.log(`load average at end: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
await store.close();
