/**
 * `npx tsx bench/start-up.ts --data-dir DIR [--searches N] [--dist DIR] [-- node flags...]`: starts
 * `bookstore serve` on an existing embedded data directory (e.g. one filled by `bookstore import` of
 * a large CSV) and reports the time from process start to the first `/readyz` 200, the process's
 * resident memory (RSS) then, and again after N searches and N suggestions over HTTP (the benchmark's
 * pools, one at a time), with the search latencies and the peak RSS. `--dist` runs another build of
 * the server (e.g. a copy of an earlier tree's dist); node flags after `--` (e.g. `--cpu-prof`) go to
 * the server process. The load averages are printed with the figures: on a shared machine they say
 * what the figures are worth.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../scripts/free-port.js';
import { percentile, residentMemory, root, searchQueries } from './harness.js';

const dash = process.argv.indexOf('--');
const args = process.argv.slice(2, dash < 0 ? undefined : dash);
const nodeFlags = dash < 0 ? [] : process.argv.slice(dash + 1);
const option = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const dataDir = option('data-dir');
if (!dataDir) {
  console.error('usage: npx tsx bench/start-up.ts --data-dir DIR [--searches N] [--dist DIR] [-- node flags...]');
  process.exit(2);
}
const SEARCHES = Number(option('searches') ?? 300);
const dist = resolve(option('dist') ?? join(root, 'dist'));
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');

const port = await freePort();
const base = `http://127.0.0.1:${port}`;
console.log(`load average at start: ${load()}`);
const started = performance.now();
const child = spawn(process.execPath, [...nodeFlags, join(dist, 'cli/main.js'), 'serve'], {
  cwd: root,
  env: { ...process.env, BOOKSTORE_DATA_DIR: resolve(dataDir), PORT: String(port), HOST: '127.0.0.1', BOOKSTORE_LOG_LEVEL: 'warn' },
  stdio: ['ignore', 'ignore', 'inherit'],
});
const exited = once(child, 'exit');
try {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}) before it was ready`);
    const ok = await fetch(`${base}/readyz`).then((r) => r.ok, () => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const readySeconds = (performance.now() - started) / 1000;
  const ready = residentMemory(child.pid!);
  console.log(`ready (/readyz 200) ${readySeconds.toFixed(2)} s after start; RSS ${ready.rssMiB} MiB (peak so far ${ready.peakMiB} MiB)`);

  const pools = searchQueries();
  const mixed = pools.common.flatMap((q, i) => [q, pools.prefixes[i % pools.prefixes.length]!, pools.typos[i % pools.typos.length]!]);
  const times: number[] = [];
  for (let i = 0; i < SEARCHES; i++) {
    const at = performance.now();
    const res = await fetch(`${base}/api/v1/search?q=${encodeURIComponent(mixed[i % mixed.length]!)}`);
    if (!res.ok) throw new Error(`search → ${res.status}`);
    await res.arrayBuffer();
    times.push(performance.now() - at);
  }
  for (let i = 0; i < SEARCHES; i++) {
    const res = await fetch(`${base}/api/v1/search/suggest?q=${encodeURIComponent(pools.prefixes[i % pools.prefixes.length]!)}`);
    if (!res.ok) throw new Error(`suggest → ${res.status}`);
    await res.arrayBuffer();
  }
  const after = residentMemory(child.pid!);
  console.log(
    `${SEARCHES} searches (mixed pool, one at a time, over HTTP): p50 ${percentile(times, 50).toFixed(1)} ms, p99 ${percentile(times, 99).toFixed(1)} ms; ` +
      `after them and ${SEARCHES} suggestions RSS ${after.rssMiB} MiB (peak ${after.peakMiB} MiB)`,
  );
  console.log(`load average at end: ${load()}`);
} finally {
  if (child.exitCode === null) child.kill('SIGTERM');
  await exited;
}
