import { randomUUID } from 'node:crypto';
/**
 * What the load benchmarks share: running `bookstore` commands and the server as their own processes
 * (the compiled CLI, as users run it), calling the API, and autocannon runs reduced to one table row.
 */
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CATEGORIES } from '../src/cli/seed/word-lists.js';
import { openLoop } from './open-loop.js';

export const root = fileURLToPath(new URL('..', import.meta.url));

export function step(message: string) {
  console.error(`\n▶ ${message}`);
}

/**
 * Runs `bookstore <args>` to completion and returns its stdout. Progress on stderr is shown as it
 * comes; `captureStderr` also keeps it (the seed's "done in" lines carry its phase times).
 */
export async function runCli(env: NodeJS.ProcessEnv, cliArgs: string[], options: { captureStderr?: boolean } = {}): Promise<{ stdout: string; stderr: string; seconds: number }> {
  const started = Date.now();
  const child = spawn(process.execPath, ['bin/bookstore.js', ...cliArgs], { cwd: root, env, stdio: ['ignore', 'pipe', options.captureStderr ? 'pipe' : 'inherit'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
    process.stderr.write(d);
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  const seconds = (Date.now() - started) / 1000;
  if (code !== 0) throw new Error(`bookstore ${cliArgs.join(' ')} failed (${code}):\n${stdout}`);
  console.error(`  (${seconds.toFixed(1)} s)`);
  return { stdout, stderr, seconds };
}

/**
 * Starts `bookstore serve` on a free port; resolves once it says where it serves (after its projection
 * catch-up and search warm-up), with how long that took: the server's time to ready.
 */
export async function startServer(env: NodeJS.ProcessEnv, nodeArgs: string[] = []): Promise<{ base: string; pid: number; readySeconds: number; stop(): Promise<void> }> {
  const started = performance.now();
  const child = spawn(process.execPath, [...nodeArgs, 'bin/bookstore.js', 'serve'], { cwd: root, env: { ...env, PORT: '0' }, stdio: ['ignore', 'pipe', 'inherit'] });
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
    pid: child.pid!,
    readySeconds: (performance.now() - started) / 1000,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

/** CPU seconds (user + system) a process has used so far: fields 14 and 15 of /proc/<pid>/stat, in ticks of 1/100 s. */
export function processCpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * `bookstore serve` on a scratch copy of the data directory `source` (so every run starts from the same
 * bytes and the source is never written), with an admin `label-admin@example.com` signed in. With
 * `cpuProf` the server writes a V8 profile into `<source>/../<label>-<time>` when it stops.
 */
export async function serveCopy(source: string, env: NodeJS.ProcessEnv, label: string, cpuProf: boolean) {
  const from = resolve(source);
  const scratch = mkdtempSync(join(tmpdir(), `bookstore-${label}-`));
  cpSync(from, scratch, { recursive: true });
  const runEnv = { ...env, BOOKSTORE_DATA_DIR: scratch };
  const email = `${label}-admin@example.com`;
  const admin = await runCli(runEnv, ['admin', 'create', email]);
  const password = /shown only this once: (\S+)/.exec(admin.stdout)![1]!;
  const profileDir = join(dirname(from), `${label}-${Date.now()}`);
  const server = await startServer(runEnv, cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []);
  const token = await signIn(server.base, email, password);
  return {
    server,
    token,
    profileDir: cpuProf ? profileDir : null,
    async dispose() {
      await server.stop();
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}

export async function api<T = any>(base: string, path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(base + path, init);
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path} → ${res.status}: ${await res.text()}`);
  return (res.status === 204 ? null : await res.json()) as T;
}

export async function signIn(base: string, email: string, password: string): Promise<string> {
  const r = await api(base, '/api/v1/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  return r.accessToken as string;
}

export function rotate<T>(items: readonly T[]): () => T {
  let i = 0;
  return () => items[i++ % items.length]!;
}

/**
 * Search query strings over `pool` that never ask the same thing twice within pool.length × 80
 * requests: each query again with another page size (11-50; then the same sizes on page 2), so the
 * index's answer cache (which keeps answers across price writes) never answers and every request is searched.
 */
export function neverRepeated(pool: readonly string[]): () => string {
  let i = 0;
  return () => {
    const round = Math.floor(i / pool.length);
    const q = pool[i++ % pool.length]!;
    return `${encodeURIComponent(q)}&limit=${11 + (round % 40)}&page=${1 + (Math.floor(round / 40) % 2)}`;
  };
}

/** Resident and peak resident memory of a process on this machine, in MiB (Linux /proc). */
export function residentMemory(pid: number): { rssMiB: number; peakMiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN);
  return { rssMiB: Math.round(kib('VmRSS') / 1024), peakMiB: Math.round(kib('VmHWM') / 1024) };
}

/** Nearest-rank percentile of samples (ms). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export interface Row {
  scenario: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  note?: string;
}

export interface LoadOptions {
  base: string;
  /** Seconds measured, after a 2 s warm-up. */
  duration: number;
  paths?: () => string;
  requests?: autocannon.Request[];
  connections?: number;
  note?: string;
}

export async function load(scenario: string, opts: LoadOptions): Promise<Row> {
  const requests = opts.requests ?? [{ setupRequest: (req: any) => ({ ...req, path: opts.paths!() }) }];
  // A short warm-up so JIT and caches are hot, then the measured run.
  await autocannon({ url: opts.base, connections: opts.connections ?? 10, duration: 2, requests });
  const r = await autocannon({ url: opts.base, connections: opts.connections ?? 10, duration: opts.duration, requests });
  const row: Row = { scenario, rps: Math.round(r.requests.average), p50: r.latency.p50, p99: r.latency.p99, errors: r.non2xx + r.errors + r.timeouts, note: opts.note };
  // Which answers were not 2xx says whether a scenario raced itself (409) or the server failed (5xx).
  const statuses = Object.entries((r as { statusCodeStats?: Record<string, { count: number }> }).statusCodeStats ?? {})
    .filter(([code]) => !code.startsWith('2'))
    .map(([code, { count }]) => `${count}×${code}`);
  console.error(`  ${scenario}: ${row.rps} req/s, p50 ${row.p50} ms, p99 ${row.p99} ms, errors ${row.errors}${statuses.length ? ` (${statuses.join(', ')})` : ''}`);
  return row;
}

/**
 * A row from an open-loop run (see open-loop.ts): `rate` requests/s arriving at random moments for
 * `duration` seconds after a 2 s warm-up, latency from each request's due time to its last byte.
 */
export async function openLoad(scenario: string, opts: { base: string; paths: () => string; rate: number; duration: number }): Promise<Row> {
  await openLoop(opts.base, opts.paths, opts.rate, 2, 7);
  const r = await openLoop(opts.base, opts.paths, opts.rate, opts.duration);
  const note = `open loop, Poisson arrivals; client lag ${r.clientLagMs} ms at worst`;
  console.error(`  ${scenario}: ${r.rps} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, max ${r.max} ms, errors ${r.errors} (${note})`);
  return { scenario, rps: r.rps, p50: r.p50, p99: r.p99, errors: r.errors, note: 'open loop, Poisson arrivals' };
}

/**
 * Hundreds of distinct queries from the generator's own vocabulary, so the index's result cache (which
 * serves a repeated query until the next write) seldom answers and the figures are mostly real searches.
 */
export function searchQueries(): { common: string[]; prefixes: string[]; typos: string[] } {
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

/** Words and pairs, prefixes and typos interleaved: the search scenario's fixed query set. */
export function mixedSearchQueries(): string[] {
  const queries = searchQueries();
  return queries.common.flatMap((q, i) => [q, queries.prefixes[i % queries.prefixes.length]!, queries.typos[i % queries.typos.length]!]);
}

/**
 * The checkout scenario's two requests per round: put one book in the cart (each connection keeps
 * the customer whose token it took first), then place the order under a fresh idempotency key.
 */
export function checkoutRequests(nextToken: () => string, nextBookId: () => string): LoadOptions['requests'] {
  return [
    {
      method: 'PUT',
      setupRequest: (req: any, context: any) => {
        context.token ??= nextToken();
        return { ...req, path: `/api/v1/cart/items/${nextBookId()}`, headers: { authorization: `Bearer ${context.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ quantity: 1 }) };
      },
    },
    {
      method: 'POST',
      path: '/api/v1/orders',
      setupRequest: (req: any, context: any) => ({ ...req, headers: { authorization: `Bearer ${context.token}`, 'idempotency-key': randomUUID() } }),
    },
  ] as any;
}

/**
 * Up to `limit` book ids from the public listing, page by page: what the read scenarios rotate over.
 * `minStock` keeps only books with at least that many copies (or untracked stock), so a checkout run
 * measures checkouts rather than empty shelves.
 */
export async function bookIds(base: string, limit = 2000, minStock = 0): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  while (ids.length < limit) {
    const page: any = await api(base, `/api/v1/books?limit=100${cursor ? `&cursor=${cursor}` : ''}`);
    const items: Array<{ id: string; stock?: number | null }> = page.items;
    ids.push(...items.filter((b) => b.stock == null || b.stock >= minStock).map((b) => b.id).slice(0, limit - ids.length));
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  return ids;
}
