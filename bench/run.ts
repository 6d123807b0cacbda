/**
 * `npm run bench`: the embedded profile under load, on loopback, with a 100k-book catalog.
 *
 * 1. Writes a 100k-book CSV and times `bookstore import` on an empty data directory.
 * 2. Seeds users, power-law friendships and orders on top (`bookstore seed --force`, same seed, so the
 *    books are unchanged).
 * 3. Starts `bookstore serve` as its own process and drives it with autocannon: a constant route
 *    (`/healthz`, the server's own ceiling) and the store's routes, then search (with catalog writes going on) at a fixed 200 req/s,
 *    then checkouts, reading each projection's commit-to-apply delays afterwards.
 * 4. Prints a table and writes it between the markers in docs/benchmarks.md.
 *
 * Options: --books N (default 100000), --duration S per scenario (default 10), --no-build.
 */
import autocannon from 'autocannon';
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';
import { generateBooks } from '../src/cli/seed/demo-data.js';
import { CATEGORIES } from '../src/cli/seed/word-lists.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const BOOKS = option('books', 100_000);
const DURATION = option('duration', 10);
const SEED = 42;
const SEED_USERS = 2000;
const SEED_ORDERS = 20_000;

const dataDir = mkdtempSync(join(tmpdir(), 'bookstore-bench-'));
const env = { ...process.env, BOOKSTORE_DATA_DIR: dataDir, BOOKSTORE_LOG_LEVEL: 'warn', BOOKSTORE_SCRYPT_COST: '16384', BOOKSTORE_LOGIN_RATE_LIMIT: '100000' };

function step(message: string) {
  console.error(`\n▶ ${message}`);
}

function cli(cliArgs: string[]): string {
  const started = Date.now();
  const r = spawnSync(process.execPath, ['bin/bookstore.js', ...cliArgs], { cwd: root, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`bookstore ${cliArgs.join(' ')} failed (${r.status}):\n${r.stdout}`);
  console.error(`  (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return r.stdout;
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

async function startServer(): Promise<{ base: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['bin/bookstore.js', 'serve'], { cwd: root, env: { ...env, PORT: '0' }, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const base = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /serving (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}):\n${out}`)));
  });
  return {
    base,
    async stop() {
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

async function api<T = any>(base: string, path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(base + path, init);
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path} → ${res.status}: ${await res.text()}`);
  return (res.status === 204 ? null : await res.json()) as T;
}

async function signIn(base: string, email: string, password: string): Promise<string> {
  const r = await api(base, '/api/v1/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  return r.accessToken as string;
}

function rotate<T>(items: readonly T[]): () => T {
  let i = 0;
  return () => items[i++ % items.length]!;
}

interface Row {
  scenario: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  note?: string;
}

async function load(scenario: string, opts: { base: string; paths?: () => string; requests?: autocannon.Request[]; connections?: number; overallRate?: number; note?: string }): Promise<Row> {
  const requests = opts.requests ?? [{ setupRequest: (req: any) => ({ ...req, path: opts.paths!() }) }];
  // A short warm-up so JIT and SQLite page cache are hot, then the measured run.
  await autocannon({ url: opts.base, connections: opts.connections ?? 10, duration: 2, requests, ...(opts.overallRate ? { overallRate: opts.overallRate } : {}) });
  const r = await autocannon({ url: opts.base, connections: opts.connections ?? 10, duration: DURATION, requests, ...(opts.overallRate ? { overallRate: opts.overallRate } : {}) });
  const row: Row = { scenario, rps: Math.round(r.requests.average), p50: r.latency.p50, p99: r.latency.p99, errors: r.non2xx + r.errors + r.timeouts, note: opts.note };
  console.error(`  ${scenario}: ${row.rps} req/s, p50 ${row.p50} ms, p99 ${row.p99} ms, errors ${row.errors}`);
  return row;
}

/**
 * Hundreds of distinct queries from the generator's own vocabulary, so the index's result cache (which
 * serves a repeated query until the next write) seldom answers and the figures are mostly real searches.
 */
function searchQueries(): { common: string[]; prefixes: string[]; typos: string[] } {
  const words = new Set<string>();
  for (const c of CATEGORIES) {
    for (const list of [c.A, c.N, c.S, c.P, c.T ?? [], c.X ?? []]) for (const w of list) for (const part of w.toLowerCase().split(/[^a-z]+/)) if (part.length >= 4) words.add(part);
  }
  const vocabulary = [...words].sort();
  const pairs = vocabulary.flatMap((w, i) => (i % 3 === 0 && vocabulary[i + 7] ? [`${w} ${vocabulary[i + 7]}`] : []));
  const common = [...vocabulary, ...pairs];
  const prefixes = vocabulary.flatMap((w) => [w.slice(0, 3), w.slice(0, 4), w.slice(0, 5)]).filter((p, i, all) => all.indexOf(p) === i);
  // One edit each: a transposition, a deletion or a doubled letter, in the middle of words of 6+ letters.
  const typos = vocabulary
    .filter((w) => w.length >= 6)
    .map((w, i) => {
      const k = 2 + (i % (w.length - 4));
      if (i % 3 === 0) return w.slice(0, k) + w[k + 1] + w[k] + w.slice(k + 2);
      if (i % 3 === 1) return w.slice(0, k) + w.slice(k + 1);
      return w.slice(0, k) + w[k] + w.slice(k);
    });
  return { common, prefixes, typos };
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
  const imported = cli(['import', csv]);
  const importSeconds = Number(/import seconds\s*:?\s*([\d.]+)/.exec(imported)?.[1]);
  const indexedSeconds = Number(/seconds including indexing\s*:?\s*([\d.]+)/.exec(imported)?.[1]);

  step(`bookstore seed --force (${SEED_USERS} users, ${SEED_ORDERS} orders; books unchanged)`);
  const seeded = cli(['seed', '--force', '--books', String(BOOKS), '--users', String(SEED_USERS), '--orders', String(SEED_ORDERS), '--seed', String(SEED)]);
  const demoPassword = /demo@example\.com \/ (\S+)/.exec(seeded)?.[1];
  if (!demoPassword || demoPassword === 'null') throw new Error(`could not read the demo customer's password from the seed output:\n${seeded}`);
  const adminOut = cli(['admin', 'create', 'bench-admin@example.com']);
  const adminPassword = /shown only this once: (\S+)/.exec(adminOut)![1]!;

  step('starting bookstore serve');
  const server = await startServer();
  const { base } = server;
  const rows: Row[] = [];
  let lag: Array<{ name: string; samples: number; p50Ms: number; p99Ms: number; maxMs: number }> = [];
  try {
    const demoToken = await signIn(base, 'demo@example.com', demoPassword);
    const adminToken = await signIn(base, 'bench-admin@example.com', adminPassword);
    const ids: string[] = [];
    let cursor: string | null = null;
    while (ids.length < 2000) {
      const page: any = await api(base, `/api/v1/books?limit=100${cursor ? `&cursor=${cursor}` : ''}`);
      ids.push(...page.items.map((b: { id: string }) => b.id));
      cursor = page.nextCursor;
      if (!cursor) break;
    }
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
    rows.push(await load('GET /api/v1/search (mixed) at 200 req/s', { base, paths: () => `/api/v1/search?q=${encodeURIComponent(mixed())}`, overallRate: 200, note: 'fixed rate' }));
    writing = false;
    await writer;
    console.error(`  ${writes} catalog writes during the search runs`);
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
    rows.push(
      await load('POST /api/v1/orders (with PUT /cart before each)', {
        base,
        note: 'req/s counts both requests; orders/s is half',
        requests: [
          {
            method: 'PUT',
            setupRequest: (req: any, context: any) => {
              context.token ??= nextToken();
              return { ...req, path: `/api/v1/cart/items/${nextId()}`, headers: { authorization: `Bearer ${context.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ quantity: 1 }) };
            },
          },
          {
            method: 'POST',
            path: '/api/v1/orders',
            setupRequest: (req: any, context: any) => ({ ...req, headers: { authorization: `Bearer ${context.token}`, 'idempotency-key': randomUUID() } }),
          },
        ] as any,
      }),
    );
    // Right after the checkout load, each projection's commit-to-apply delays over the last minute.
    const status = await api(base, '/api/v1/admin/projections', { headers: { authorization: `Bearer ${adminToken}` } });
    lag = status.projections.map((p: { name: string; delivery: { samples: number; p50Ms: number; p99Ms: number; maxMs: number } }) => ({ name: p.name, ...p.delivery }));
    for (const l of lag) console.error(`  ${l.name}: commit-to-apply p50 ${l.p50Ms} ms, p99 ${l.p99Ms} ms, max ${l.maxMs} ms over ${l.samples} events`);
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
    `- Import of ${BOOKS.toLocaleString('en')} books (\`bookstore import\`, CSV, empty store): **${importSeconds.toFixed(1)} s** (goal < 15 s); ${indexedSeconds.toFixed(1)} s including bringing search, bestsellers and graph up to date.`,
    `- Projection lag under checkout load (each event's delay from commit to being applied, over the minute ending with the checkout run, from \`/api/v1/admin/projections\`; goal p99 < 250 ms): ${lag.map((l) => `${l.name} p50 ${l.p50Ms} ms, p99 **${l.p99Ms} ms** (max ${l.maxMs} ms, ${l.samples} events)`).join('; ')}.`,
    '',
    '| scenario | req/s | vs constant | p50 ms | p99 ms | errors |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((r) => `| ${r.scenario}${r.note ? ` (${r.note})` : ''} | ${r.rps.toLocaleString('en')} | ${((r.rps / ceiling) * 100).toFixed(0)}% | ${r.p50} | ${r.p99} | ${r.errors} |`),
  ].join('\n');
  console.log('\n' + table);

  const doc = join(root, 'docs', 'benchmarks.md');
  const current = readFileSync(doc, 'utf8');
  const start = '<!-- bench:embedded:start -->';
  const end = '<!-- bench:embedded:end -->';
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
