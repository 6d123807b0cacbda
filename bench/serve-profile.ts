/**
 * `npx tsx bench/serve-profile.ts --data-dir DIR [--scenarios broad,mixed,suggest,suggest-rate,words,cached] [--duration 8]
 * [--cpu-prof] [--rate 200] [--no-writes]`: what one search costs the server, over HTTP, as `npm run bench`
 * drives it, on a data directory kept between runs (so before/after comparisons read the same store).
 *
 * If DIR has no store yet, it writes the bench's 100k-book CSV (`--books N`) and runs `bookstore import`
 * into it. It then copies DIR to a scratch directory (every run starts from the same bytes), starts
 * `bookstore serve` on the copy (with `--cpu-prof` the profile goes to DIR/../serve-profile-<time>), makes
 * an admin, and runs each scenario with the bench's price write every 100 ms. For each scenario it prints
 * requests/s, p50/p99 and the server's CPU per request read from /proc/<pid>/stat over the measured
 * seconds (warm-up excluded), with the load average: on a shared machine latency measures the machine,
 * CPU per request measures the server. `mixed` and `suggest-rate` run an open loop at --rate
 * (bench/open-loop.ts: Poisson arrivals, latency from each request's due time), the others saturate 10
 * connections. Scenarios run in the order given on one server: `suggest-rate` first meets
 * cold suggest lists (a fresh server), after `suggest` warm ones.
 *
 * Needs a build (`npm run build:server`). Figures to report, not to assert.
 */
import { createWriteStream, existsSync, mkdirSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';
import { generateBooks } from '../src/cli/seed/demo-data.js';
import { openLoop } from './open-loop.js';
import { api, bookIds, neverRepeated, processCpuSeconds, rotate, runCli, searchQueries, serveCopy } from './harness.js';

const args = process.argv.slice(2);
const option = (name: string) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : undefined);
const dataDir = option('data-dir');
if (!dataDir) {
  console.error('usage: npx tsx bench/serve-profile.ts --data-dir DIR [--books N] [--scenarios broad,mixed,suggest,suggest-rate,words,prefixes,typos,cached] [--duration S] [--rate N] [--cpu-prof] [--no-writes]');
  process.exit(2);
}
const BOOKS = Number(option('books') ?? 100_000);
const DURATION = Number(option('duration') ?? 8);
const RATE = Number(option('rate') ?? 200);
const SCENARIOS = (option('scenarios') ?? 'mixed,broad,suggest').split(',');
const env = { ...process.env, BOOKSTORE_LOG_LEVEL: 'warn', BOOKSTORE_SCRYPT_COST: '16384', BOOKSTORE_LOGIN_RATE_LIMIT: '100000', BOOKSTORE_LOGIN_ADDRESS_RATE_LIMIT: '100000' };

async function ensureStore(dir: string) {
  if (existsSync(join(dir, 'store.db'))) return;
  mkdirSync(dir, { recursive: true });
  const csv = join(dir, 'catalog.csv');
  const out = createWriteStream(csv);
  out.write('isbn,title,authors,category,description,price,currency,cover_url,rating,year\n');
  const field = (v: unknown) => (/[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
  for (const b of generateBooks(42, BOOKS)) {
    const line = [b.isbn, b.title, b.authors.join(';'), b.category, b.description, (b.price / 100).toFixed(2), b.currency, '', b.rating, b.year].map(field).join(',') + '\n';
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  console.error(`importing ${BOOKS.toLocaleString('en')} books into ${dir}`);
  await runCli({ ...env, BOOKSTORE_DATA_DIR: dir }, ['import', csv]);
  rmSync(csv);
}

async function main() {
  const source = resolve(dataDir!);
  await ensureStore(source);
  const { server, token, profileDir, dispose } = await serveCopy(source, env, 'serve-profile', args.includes('--cpu-prof'));
  try {
    const base = server.base;
    const ids = await bookIds(base, 50);
    let writing = !args.includes('--no-writes');
    let writes = 0;
    const writer = (async () => {
      while (writing) {
        const id = ids[writes % ids.length]!;
        const res = await fetch(`${base}/api/v1/books/${id}`);
        const book: any = await res.json();
        await api(base, `/api/v1/books/${id}`, { method: 'PATCH', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'if-match': res.headers.get('etag')! }, body: JSON.stringify({ price: book.price + 1 }) });
        writes++;
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const q = searchQueries();
    const pools: Record<string, { path: string; pool: string[]; rate?: number; uncached?: boolean }> = {
      words: { path: '/api/v1/search?q=', pool: q.common },
      prefixes: { path: '/api/v1/search?q=', pool: q.prefixes },
      typos: { path: '/api/v1/search?q=', pool: q.typos },
      mixed: { path: '/api/v1/search?q=', pool: q.common.flatMap((w, i) => [w, q.prefixes[i % q.prefixes.length]!, q.typos[i % q.typos.length]!]), rate: RATE },
      // Never the same page twice (bench/harness.ts neverRepeated): what one broad search costs, not the cache.
      broad: { path: '/api/v1/search?q=', pool: q.prefixes.filter((p) => p.length === 3), uncached: true },
      suggest: { path: '/api/v1/search/suggest?q=', pool: q.prefixes },
      // One broad query over and over: the index's result cache answers (until a write), so this is
      // the ceiling for a 20-hit answer: HTTP, hooks, the stock read and JSON, no searching.
      cached: { path: '/api/v1/search?q=', pool: ['fam'] },
      // People typing: a few suggestions per second each, not a saturating loop; its p99 is the one a typist meets.
      'suggest-rate': { path: '/api/v1/search/suggest?q=', pool: q.prefixes, rate: RATE },
    };
    for (const name of SCENARIOS) {
      const scenario = pools[name];
      if (!scenario) throw new Error(`unknown scenario ${name}: one of ${Object.keys(pools).join(', ')}`);
      const next = scenario.uncached ? neverRepeated(scenario.pool) : ((n) => () => encodeURIComponent(n()))(rotate(scenario.pool));
      const path = () => scenario.path + next();
      const requests = [{ setupRequest: (req: any) => ({ ...req, path: path() }) }];
      const common = { url: base, connections: 10, requests };
      // A rate is an open loop (bench/open-loop.ts); autocannon's overallRate sends each second's quota in a burst.
      const run = async (seconds: number) => {
        if (scenario.rate) {
          const r = await openLoop(base, path, scenario.rate, seconds);
          return { rps: r.rps, p50: r.p50, p99: r.p99, failed: r.errors, served: r.rps * seconds, note: ` max ${r.max} ms, client lag ${r.clientLagMs} ms,` };
        }
        const r = await autocannon({ ...common, duration: seconds });
        return { rps: Math.round(r.requests.average), p50: r.latency.p50, p99: r.latency.p99, failed: r.non2xx + r.errors, served: r.requests.total, note: '' };
      };
      await run(2);
      const load = loadavg()[0]!.toFixed(1);
      const cpu0 = processCpuSeconds(server.pid);
      const r = await run(DURATION);
      const cpu = processCpuSeconds(server.pid) - cpu0;
      console.log(`${name.padEnd(12)} ${r.rps.toString().padStart(5)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms ${r.note} non-2xx ${r.failed}  CPU ${((cpu * 1000) / r.served).toFixed(2)} ms/request (${r.served} requests, ${cpu.toFixed(1)} s CPU)  load ${load}→${loadavg()[0]!.toFixed(1)}`);
    }
    writing = false;
    await writer;
    console.log(`${writes} writes`);
  } finally {
    await dispose();
  }
  if (profileDir) console.log(`profile: ${profileDir}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
