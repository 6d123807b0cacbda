/**
 * `npx tsx bench/lighthouse-demo.ts [--runs N]`: Lighthouse (phone profile, default simulated
 * throttling; bench/lighthouse.ts) on the demo store `npm start` serves — home, search, a book and a
 * category page — the median of N runs (default 3) of each score. Needs `npm run build` first (the
 * server serves dist/web). `npm run bench:web` does the same on a 100k-book store, with more.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lighthouseScores } from './lighthouse.js';
import { freePort } from '../scripts/free-port.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const runsAt = process.argv.indexOf('--runs');
const RUNS = runsAt >= 0 ? Number(process.argv[runsAt + 1]) : 3;
const SETTLE_MS = 15_000;


const dir = mkdtempSync(join(tmpdir(), 'bookstore-lighthouse-'));
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const env = { ...process.env, BOOKSTORE_DATA_DIR: dir, PORT: String(port), HOST: '127.0.0.1', BOOKSTORE_LOG_LEVEL: 'warn' };
const server = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--demo'], { cwd: root, env, stdio: 'ignore' });
try {
  console.error('seeding the demo store and waiting for /readyz');
  let ready = false;
  for (let i = 0; i < 240 && !ready; i++) {
    ready = await fetch(`${base}/readyz`).then((r) => r.status === 200, () => false);
    if (!ready) await new Promise((resolve) => setTimeout(resolve, 500));
  }
  if (!ready) throw new Error('the demo server was not ready within 2 minutes');
  // Right after the first start the projections are still catching up on the freshly seeded demo and
  // take the CPU Lighthouse measures blocking time with: give them the time a visitor would not notice.
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  const { items } = (await (await fetch(`${base}/api/v1/books?limit=1`)).json()) as { items: Array<{ id: string }> };
  const pages = [
    { name: 'home', url: `${base}/` },
    { name: 'search (/search?q=history)', url: `${base}/search?q=history` },
    { name: 'book', url: `${base}/books/${items[0]!.id}` },
    { name: 'category (/category/Fantasy)', url: `${base}/category/Fantasy` },
  ];
  const before = loadavg()[0]!.toFixed(2);
  const scores = await lighthouseScores(pages, { chromePath: process.env.CHROMIUM ?? '/usr/bin/chromium', runs: RUNS, onRun: (m) => console.error(`  ${m}`) });
  console.log(`| page | performance | accessibility | best practices | SEO | FCP | LCP | TBT | CLS |`);
  console.log(`|---|---:|---:|---:|---:|---:|---:|---:|---:|`);
  for (const s of scores) {
    const m = s.metrics;
    console.log(`| ${s.name} | ${s.scores.performance} | ${s.scores.accessibility} | ${s.scores['best-practices']} | ${s.scores.seo} | ${Math.round(m.fcpMs)} ms | ${Math.round(m.lcpMs)} ms | ${Math.round(m.tbtMs)} ms | ${m.cls.toFixed(3)} |`);
  }
  console.log(`\n${RUNS} runs per page; load average ${before} → ${loadavg()[0]!.toFixed(2)} on ${(await import('node:os')).cpus().length} cores.`);
} finally {
  // Wait for the server to be gone: removing its data folder while it still writes there fails (ENOTEMPTY).
  if (server.exitCode === null && server.signalCode === null) {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill();
    await exited;
  }
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}
