/**
 * `npm run bench`: the embedded profile under load, on loopback, with a 100k-book catalog.
 *
 * 1. Writes a 100k-book CSV and times `bookstore import` on an empty data directory.
 * 2. Seeds users, power-law friendships and orders on top (`bookstore seed --force`, same seed, so the
 *    books are unchanged).
 * 3. Starts `bookstore serve` as its own process and drives it with autocannon: a constant route
 *    (`/healthz`, the server's own ceiling) and the store's routes, then search (with catalog writes going on) at a fixed 200 req/s,
 *    then checkouts, reading each projection's commit-to-apply delays afterwards.
 *    Search and suggest run with a catalog write every 100 ms going on, as in a live store.
 * 4. Restarts the server to time a plain restart to ready (catch-up, search warm-up, listening), and
 *    reads the server's resident memory (RSS) when ready and after the load.
 * 5. Prints a table and writes it between the markers in docs/benchmarks.md (`bench:embedded` at
 *    100k books, `bench:embedded-<N>` for other sizes, e.g. `--books 1000000`).
 *
 * Options: --books N (default 100000), --duration S per scenario (default 10), --no-build,
 * --import-only (step 1 alone: print the import's figures and stop), --search-only (no seed: the
 * constant route, then the search and suggest scenarios with their writes; prints the rows). Both
 * leave docs/benchmarks.md alone.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { generateBooks } from '../src/cli/seed/demo-data.js';
import {
  api,
  bookIds,
  checkoutRequests,
  load as loadFor,
  neverRepeated,
  openLoad,
  residentMemory,
  root,
  rotate,
  runCli,
  searchQueries,
  signIn,
  startServer as startServerWith,
  step,
  type LoadOptions,
  type Row,
} from './harness.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const BOOKS = option('books', 100_000);
const DURATION = option('duration', 10);
const SEARCH_ONLY = args.includes('--search-only');
const SEED = 42;
const SEED_USERS = 2000;
const SEED_ORDERS = 20_000;

const dataDir = mkdtempSync(join(tmpdir(), 'bookstore-bench-'));
const env = { ...process.env, BOOKSTORE_DATA_DIR: dataDir, BOOKSTORE_LOG_LEVEL: 'warn', BOOKSTORE_SCRYPT_COST: '16384', BOOKSTORE_LOGIN_RATE_LIMIT: '100000', BOOKSTORE_LOGIN_ADDRESS_RATE_LIMIT: '100000', BOOKSTORE_SIGNUP_RATE_LIMIT: '100000' };

async function cli(cliArgs: string[]): Promise<string> {
  return (await runCli(env, cliArgs)).stdout;
}

function csvField(v: string | number): string {
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

async function writeCatalogCsv(file: string, count: number): Promise<void> {
  const out = createWriteStream(file);
  out.write('isbn,title,authors,category,description,price,currency,cover_url,rating,year\n');
  let n = 0;
  for (const b of generateBooks(SEED, count)) {
    const line = [b.isbn, b.title, b.authors.join(';'), b.category, b.description, (b.price / 100).toFixed(2), b.currency, '', b.rating, b.year].map(csvField).join(',') + '\n';
    if (!out.write(line)) await once(out, 'drain');
    if (++n % 20_000 === 0) console.error(`  ${n.toLocaleString('en')} rows written`);
  }
  out.end();
  await once(out, 'finish');
}

function startServer() {
  return startServerWith(env);
}

function load(scenario: string, opts: Omit<LoadOptions, 'duration'>): Promise<Row> {
  return loadFor(scenario, { ...opts, duration: DURATION });
}

async function main() {
  if (!args.includes('--no-build')) {
    step('building (npm run build)');
    const b = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
    if (b.status !== 0) throw new Error('npm run build failed');
  }
  const csv = join(dataDir, 'catalog.csv');
  step(`writing a ${BOOKS.toLocaleString('en')}-book CSV`);
  await writeCatalogCsv(csv, BOOKS);

  step(`bookstore import (${BOOKS.toLocaleString('en')} books into an empty store)`);
  const imported = await cli(['import', csv]);
  const importSeconds = Number(/import seconds\s*:?\s*([\d.]+)/.exec(imported)?.[1]);
  const indexedSeconds = Number(/seconds including indexing\s*:?\s*([\d.]+)/.exec(imported)?.[1]);
  if (args.includes('--import-only')) {
    console.log(`import of ${BOOKS.toLocaleString('en')} books: written in ${importSeconds.toFixed(1)} s, searchable (indexed and a search answered) after ${indexedSeconds.toFixed(1)} s`);
    rmSync(dataDir, { recursive: true, force: true });
    return;
  }

  let demoPassword = '';
  if (!SEARCH_ONLY) {
    step(`bookstore seed --force (${SEED_USERS} users, ${SEED_ORDERS} orders; books unchanged)`);
    const seeded = await cli(['seed', '--force', '--books', String(BOOKS), '--users', String(SEED_USERS), '--orders', String(SEED_ORDERS), '--seed', String(SEED)]);
    demoPassword = /demo@example\.com \/ (\S+)/.exec(seeded)?.[1] ?? '';
    if (!demoPassword || demoPassword === 'null') throw new Error(`could not read the demo customer's password from the seed output:\n${seeded}`);
  }
  const adminOut = await cli(['admin', 'create', 'bench-admin@example.com']);
  const adminPassword = /shown only this once: (\S+)/.exec(adminOut)![1]!;

  step('starting bookstore serve');
  let server = await startServer();
  const { base } = server;
  const firstReady = { seconds: server.readySeconds, ...residentMemory(server.pid) };
  console.error(`  ready after ${firstReady.seconds.toFixed(1)} s (projection catch-up included), RSS ${firstReady.rssMiB} MiB`);
  let afterLoad = { rssMiB: NaN, peakMiB: NaN };
  let restart = { seconds: NaN, rssMiB: NaN, peakMiB: NaN };
  const rows: Row[] = [];
  let lag: Array<{ name: string; samples: number; p50Ms: number; p99Ms: number; maxMs: number }> = [];
  try {
    const demoToken = SEARCH_ONLY ? '' : await signIn(base, 'demo@example.com', demoPassword);
    const adminToken = await signIn(base, 'bench-admin@example.com', adminPassword);
    const ids = await bookIds(base);
    const categories: string[] = (await api(base, '/api/v1/categories')).categories.map((c: { name: string }) => c.name);

    step('load');
    rows.push(await load('GET /healthz (constant baseline)', { base, paths: () => '/healthz' }));
    const nextId = rotate(ids);
    rows.push(await load('GET /api/v1/books/:id', { base, paths: () => `/api/v1/books/${nextId()}` }));
    // Catalog writes during the search runs (10 price changes/s, as an admin would make them): each one
    // invalidates the search index's result cache, as writes do in a live store.
    let writing = true;
    let writes = 0;
    const writer = (async () => {
      const auth = { authorization: `Bearer ${adminToken}` };
      while (writing) {
        const id = ids[writes % ids.length]!;
        const res = await fetch(`${base}/api/v1/books/${id}`);
        const book: any = await res.json();
        await fetch(`${base}/api/v1/books/${id}`, { method: 'PATCH', headers: { ...auth, 'content-type': 'application/json', 'if-match': res.headers.get('etag')! }, body: JSON.stringify({ price: book.price + 1 }) });
        writes++;
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const queries = searchQueries();
    console.error(`  search pools: ${queries.common.length} words and pairs, ${queries.prefixes.length} prefixes, ${queries.typos.length} typos`);
    const common = rotate(queries.common);
    rows.push(await load('GET /api/v1/search (words and pairs)', { base, paths: () => `/api/v1/search?q=${encodeURIComponent(common())}` }));
    const prefixes = rotate(queries.prefixes);
    rows.push(await load('GET /api/v1/search (prefixes, 3-5 letters)', { base, paths: () => `/api/v1/search?q=${encodeURIComponent(prefixes())}` }));
    const typos = rotate(queries.typos);
    rows.push(await load('GET /api/v1/search (one-edit typos)', { base, paths: () => `/api/v1/search?q=${encodeURIComponent(typos())}` }));
    const mixedPool = queries.common.flatMap((q, i) => [q, queries.prefixes[i % queries.prefixes.length]!, queries.typos[i % queries.typos.length]!]);
    const mixed = rotate(mixedPool);
    rows.push(await openLoad('GET /api/v1/search (mixed) at 200 req/s', { base, paths: () => `/api/v1/search?q=${encodeURIComponent(mixed())}`, rate: 200, duration: DURATION }));
    // The broadest queries (3-letter prefixes match a large share of the catalog): the ones that must not be ranked row by row.
    // Each asked with a page size or page not asked before, so every request is searched: the answer cache would otherwise serve them.
    const broad = neverRepeated(queries.prefixes.filter((p) => p.length === 3));
    rows.push(await load('GET /api/v1/search (broad: 3-letter prefixes, none answered from the cache)', { base, paths: () => `/api/v1/search?q=${broad()}` }));
    // Suggest twice: saturating (the throughput; its latency is 10 connections' queue), then at 200 req/s (people
    // typing send a few a second: the p99 they meet). The second meets the prefixes' kept lists warm, as a running store's are.
    const typing = rotate(queries.prefixes);
    rows.push(await load('GET /api/v1/search/suggest (prefixes)', { base, paths: () => `/api/v1/search/suggest?q=${encodeURIComponent(typing())}` }));
    rows.push(await openLoad('GET /api/v1/search/suggest (prefixes) at 200 req/s', { base, paths: () => `/api/v1/search/suggest?q=${encodeURIComponent(typing())}`, rate: 200, duration: DURATION }));
    afterLoad = residentMemory(server.pid);
    writing = false;
    await writer;
    console.error(`  ${writes} catalog writes during the search runs`);
    if (SEARCH_ONLY) {
      for (const r of rows) console.log(`| ${r.scenario}${r.note ? ` (${r.note})` : ''} | ${r.rps.toLocaleString('en')} | ${r.p50} | ${r.p99} | ${r.errors} |`);
      console.log(`server RSS ${firstReady.rssMiB} MiB when ready, ${afterLoad.rssMiB} MiB after the search runs`);
      return;
    }
    const windows = rotate(['all', '7d', '1d']);
    const cats = rotate([undefined, ...categories]);
    rows.push(await load('GET /api/v1/bestsellers', { base, paths: () => { const c = cats(); return `/api/v1/bestsellers?window=${windows()}${c ? `&category=${encodeURIComponent(c)}` : ''}`; } }));
    rows.push(
      await load('GET /api/v1/recommendations', {
        base,
        requests: [{ method: 'GET', path: '/api/v1/recommendations', headers: { authorization: `Bearer ${demoToken}` } }],
      }),
    );

    // Checkout: each connection is its own customer, filling its cart and checking out with a fresh key.
    const tokens: string[] = [];
    for (let i = 0; i < 10; i++) {
      const email = `bench-${i}-${randomUUID()}@example.com`;
      await api(base, '/api/v1/auth/signup', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: 'bench password 123', name: `Bench ${i}` }) });
      tokens.push(await signIn(base, email, 'bench password 123'));
    }
    const nextToken = rotate(tokens);
    // Books with at least 30 copies: about 3,000 orders over 2,000 of them never empty a shelf, so a
    // 409 here would be a real race (an out-of-stock book also stays in its cart and fails every later checkout).
    const stocked = rotate(await bookIds(base, 2000, 30));
    rows.push(
      await load('POST /api/v1/orders (with PUT /cart before each)', {
        base,
        note: 'req/s counts both requests; orders/s is half',
        requests: checkoutRequests(nextToken, stocked),
      }),
    );
    // Right after the checkout load, each projection's commit-to-apply delays over the last minute.
    const status = await api(base, '/api/v1/admin/projections', { headers: { authorization: `Bearer ${adminToken}` } });
    lag = status.projections.map((p: { name: string; delivery: { samples: number; p50Ms: number; p99Ms: number; maxMs: number } }) => ({ name: p.name, ...p.delivery }));
    for (const l of lag) console.error(`  ${l.name}: commit-to-apply p50 ${l.p50Ms} ms, p99 ${l.p99Ms} ms, max ${l.maxMs} ms over ${l.samples} events`);

    step('restarting bookstore serve (time to ready)');
    await server.stop();
    server = await startServer();
    restart = { seconds: server.readySeconds, ...residentMemory(server.pid) };
    console.error(`  ready after ${restart.seconds.toFixed(1)} s, RSS ${restart.rssMiB} MiB`);
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }

  const ceiling = rows[0]!.rps;
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const table = [
    `Measured ${new Date().toISOString().slice(0, 10)} with \`npm run bench\` (${BOOKS.toLocaleString('en')} books, ${SEED_USERS} users, ${SEED_ORDERS.toLocaleString('en')} seeded orders; autocannon, 10 connections, ${DURATION} s per scenario after a 2 s warm-up, on loopback).`,
    `Machine: ${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; load generator and server share the machine.`,
    '',
    `- Import of ${BOOKS.toLocaleString('en')} books (\`bookstore import\`, CSV, empty store): **${importSeconds.toFixed(1)} s**${BOOKS === 100_000 ? ' (goal < 15 s)' : ''}; ${indexedSeconds.toFixed(1)} s including bringing search, bestsellers and graph up to date${BOOKS === 1_000_000 ? ' (goal: searchable in < 3 min)' : ''}.`,
    `- Ready to serve (\`bookstore serve\` started → listening, after projection catch-up and the search warm-up that loads the in-memory ranking index; goal ≤ 5 s at 1M): first start after the import and seed **${firstReady.seconds.toFixed(1)} s**, plain restart **${restart.seconds.toFixed(1)} s**. Import to searchable: ${indexedSeconds.toFixed(1)} s + ${restart.seconds.toFixed(1)} s = **${(indexedSeconds + restart.seconds).toFixed(1)} s**.`,
    `- Server memory (whole process RSS): ${firstReady.rssMiB} MiB when ready, ${afterLoad.rssMiB} MiB after the search and suggest runs (peak ${afterLoad.peakMiB} MiB), ${restart.rssMiB} MiB after a restart.`,
    `- Projection lag under checkout load (each event's delay from commit to being applied, over the minute ending with the checkout run, from \`/api/v1/admin/projections\`; goal p99 < 250 ms): ${lag.map((l) => `${l.name} p50 ${l.p50Ms} ms, p99 **${l.p99Ms} ms** (max ${l.maxMs} ms, ${l.samples} events)`).join('; ')}.`,
    '',
    '| scenario | req/s | vs constant | p50 ms | p99 ms | errors |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((r) => `| ${r.scenario}${r.note ? ` (${r.note})` : ''} | ${r.rps.toLocaleString('en')} | ${((r.rps / ceiling) * 100).toFixed(0)}% | ${r.p50} | ${r.p99} | ${r.errors} |`),
  ].join('\n');
  console.log('\n' + table);

  const doc = join(root, 'docs', 'benchmarks.md');
  const current = readFileSync(doc, 'utf8');
  const marker = BOOKS === 100_000 ? 'embedded' : `embedded-${BOOKS}`;
  const start = `<!-- bench:${marker}:start -->`;
  const end = `<!-- bench:${marker}:end -->`;
  if (current.includes(start) && current.includes(end)) {
    writeFileSync(doc, current.slice(0, current.indexOf(start) + start.length) + '\n' + table + '\n' + current.slice(current.indexOf(end)));
    console.error(`\nwrote the results into ${doc}`);
  }
}

main().catch((error) => {
  console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(1);
});
