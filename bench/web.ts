/**
 * `npm run bench:web`: the storefront in Debian's Chromium against `bookstore serve` on loopback,
 * with a 100k-book catalog.
 *
 * 1. The gzipped size of every JavaScript chunk of the build (dist/web/assets), largest first.
 * 2. Seeds 100k books, 500 users and 2000 orders into a temp directory (`bookstore seed`).
 * 3. Time from navigation to the first results on the search page (the app marks
 *    `bookstore:first-results` when it renders them): once with an empty cache, then for several
 *    queries with the app's files cached, as for a returning visitor.
 * 4. Suggestion latency per keystroke: types titles into the header's search box slower than the
 *    debounce, so every prefix is asked for, and reads the server's time from each answer's
 *    `Server-Timing` header (plus the round trip the browser saw).
 * 5. Lighthouse (mobile, default simulated throttling) on the home, search and book pages:
 *    the median of --lighthouse-runs runs (default 3) of each score (bench/lighthouse.ts).
 * 6. Prints a summary and writes it between the web markers in docs/benchmarks.md.
 *
 * Options: --books N (default 100000), --data-dir DIR (reuse an already seeded store), --no-write,
 * --lighthouse-runs N (0 skips Lighthouse).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { CHROMIUM, launchBrowser } from '../test/e2e/support/browser.js';
import { CATEGORIES, lighthouseScores } from './lighthouse.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const option = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const BOOKS = Number(option('books') ?? 100_000);
const LIGHTHOUSE_RUNS = Number(option('lighthouse-runs') ?? 3);
const USERS = 500;
const ORDERS = 2000;
const reuseDir = option('data-dir');
const dataDir = reuseDir ?? mkdtempSync(join(tmpdir(), 'bookstore-bench-web-'));
const env = { ...process.env, BOOKSTORE_DATA_DIR: dataDir, BOOKSTORE_LOG_LEVEL: 'warn', BOOKSTORE_SCRYPT_COST: '16384' };
const FIRST_RESULTS = 'bookstore:first-results';

function step(message: string) {
  console.error(`\n▶ ${message}`);
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

const ms = (v: number) => (v < 10 ? v.toFixed(1) : v.toFixed(0));

function chunkSizes(): Array<{ file: string; bytes: number; gzip: number }> {
  const dir = join(root, 'dist', 'web', 'assets');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.js'))
    .map((file) => {
      const code = readFileSync(join(dir, file));
      // Level 9, as the build's precompressed .gz twins that the server sends.
      return { file, bytes: code.length, gzip: gzipSync(code, { level: 9 }).length };
    })
    .sort((a, b) => b.gzip - a.gzip);
}

async function startServer(): Promise<{ baseUrl: string; stop(): Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, ['bin/bookstore.js', 'serve'], { cwd: root, env: { ...env, PORT: '0' }, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const baseUrl = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /serving (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}):\n${out}`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    baseUrl,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

const serverTime = (header: string | undefined) => Number(/app;dur=([\d.]+)/.exec(header ?? '')?.[1] ?? NaN);

/** Milliseconds from navigation start to the first results on screen, and the server's time for the search. */
async function timeToResults(page: Page, url: string): Promise<{ total: number; server: number }> {
  const searched = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/search');
  await page.goto(url);
  await page.waitForFunction((mark) => performance.getEntriesByName(mark).length > 0, FIRST_RESULTS, { timeout: 30_000 });
  const total = await page.evaluate((mark) => performance.getEntriesByName(mark)[0]!.startTime, FIRST_RESULTS);
  return { total, server: serverTime((await (await searched).allHeaders())['server-timing']) };
}

/** Server time (Server-Timing) and browser round trip of each suggestion request while typing `texts`. */
async function typeForSuggestions(page: Page, texts: string[]): Promise<{ server: number[]; roundTrip: number[] }> {
  const server: number[] = [];
  const roundTrip: number[] = [];
  page.on('requestfinished', async (request) => {
    if (!request.url().includes('/api/v1/search/suggest')) return;
    const response = await request.response();
    const time = serverTime((await response?.allHeaders())?.['server-timing']);
    if (!Number.isNaN(time)) server.push(time);
    const t = request.timing();
    if (t.responseEnd > 0 && t.requestStart >= 0) roundTrip.push(t.responseEnd - t.requestStart);
  });
  const box = page.getByRole('combobox', { name: /Search books/ });
  for (const text of texts) {
    await box.fill('');
    // Slower than the 150 ms debounce: every keystroke's prefix is asked for.
    await box.pressSequentially(text, { delay: 300 });
    await page.waitForTimeout(400);
  }
  page.removeAllListeners('requestfinished');
  return { server, roundTrip };
}

async function main() {
  step('chunk sizes (dist/web/assets, gzip)');
  const chunks = chunkSizes();
  for (const c of chunks.slice(0, 5)) console.error(`  ${c.file}: ${(c.bytes / 1024).toFixed(1)} kB, gzip ${(c.gzip / 1024).toFixed(1)} kB`);
  const largest = chunks[0]!;
  const totalGzip = chunks.reduce((sum, c) => sum + c.gzip, 0);

  if (!reuseDir) {
    step(`seeding ${BOOKS.toLocaleString('en')} books, ${USERS} users, ${ORDERS} orders`);
    const started = Date.now();
    const r = spawnSync(process.execPath, ['bin/bookstore.js', 'seed', '--books', String(BOOKS), '--users', String(USERS), '--orders', String(ORDERS)], {
      cwd: root,
      env,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    if (r.status !== 0) throw new Error(`seeding failed (${r.status})`);
    console.error(`  (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }

  const server = await startServer();
  const browser = await launchBrowser();
  try {
    // Titles people buy, all different, and the words in them.
    const top = (await (await fetch(`${server.baseUrl}/api/v1/bestsellers?window=all&limit=50`)).json()) as { items: Array<{ book: { id: string; title: string } }> };
    const distinct = [...new Set(top.items.map((i) => i.book.title))];
    const words = [...new Set(distinct.flatMap((t) => t.toLowerCase().split(/[^a-z]+/)).filter((w) => w.length >= 5))].slice(0, 12);
    const titles = distinct.slice(0, 8).map((t) => t.slice(0, 12));

    step('search page: navigation to first results');
    const page = await browser.context.newPage();
    const cold = await timeToResults(page, `${server.baseUrl}/search?q=${encodeURIComponent(words[0]!)}`);
    const runs: Array<{ total: number; server: number }> = [];
    for (const word of words.slice(1)) runs.push(await timeToResults(page, `${server.baseUrl}/search?q=${encodeURIComponent(word)}`));
    const warm = runs.map((r) => r.total);
    const warmServer = runs.map((r) => r.server);
    console.error(`  cold ${ms(cold.total)} ms; warm p50 ${ms(percentile(warm, 50))} ms over ${warm.length} queries`);

    step('suggestions while typing');
    await page.goto(`${server.baseUrl}/`);
    const suggest = await typeForSuggestions(page, titles);
    console.error(`  ${suggest.server.length} suggestion requests; server p50 ${ms(percentile(suggest.server, 50))} ms`);

    let lighthouseLines: string[] = [];
    if (LIGHTHOUSE_RUNS > 0) {
      step(`Lighthouse, mobile, ${LIGHTHOUSE_RUNS} runs per page`);
      const pages = [
        { name: 'home', url: `${server.baseUrl}/` },
        { name: 'search', url: `${server.baseUrl}/search?q=${encodeURIComponent(words[0]!)}` },
        { name: 'book', url: `${server.baseUrl}/books/${top.items[0]!.book.id}` },
      ];
      const scores = await lighthouseScores(pages, { chromePath: CHROMIUM, runs: LIGHTHOUSE_RUNS, onRun: (m) => console.error(`  ${m}`) });
      lighthouseLines = [
        '',
        `Lighthouse ${LIGHTHOUSE_RUNS > 1 ? `(median of ${LIGHTHOUSE_RUNS} runs per page) ` : ''}on a phone profile with its default simulated throttling (goal: at least 95 in each category):`,
        '',
        `| page | ${CATEGORIES.join(' | ')} | FCP | LCP | TBT | CLS |`,
        `|---|${CATEGORIES.map(() => '---:').join('|')}|---:|---:|---:|---:|`,
        ...scores.map((p) => `| ${p.name} | ${CATEGORIES.map((c) => p.scores[c]).join(' | ')} | ${ms(p.metrics.fcpMs)} ms | ${ms(p.metrics.lcpMs)} ms | ${ms(p.metrics.tbtMs)} ms | ${p.metrics.cls.toFixed(3)} |`),
      ];
      for (const p of scores) if (p.failing.length > 0) console.error(`  ${p.name}: below 0.9 in the last run: ${p.failing.join(', ')}`);
    }

    const cpu = cpus()[0]?.model ?? 'unknown CPU';
    const chromium = browser.context.browser()?.version() ?? 'Chromium';
    const summary = [
      `Measured ${new Date().toISOString().slice(0, 10)} with \`npm run bench:web\` (${BOOKS.toLocaleString('en')} books, ${USERS} users, ${ORDERS.toLocaleString('en')} orders; headless Chromium ${chromium}, server and browser on loopback on the same machine).`,
      `Machine: ${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}.`,
      '',
      `- Largest JavaScript chunk: **${(largest.gzip / 1024).toFixed(1)} kB gzipped** (\`${largest.file}\`, ${(largest.bytes / 1024).toFixed(0)} kB raw; goal < 150 kB); all ${chunks.length} chunks together ${(totalGzip / 1024).toFixed(1)} kB gzipped, of which a visit loads the entry chunk and the chunks of the pages it opens.`,
      `- Search page, navigation to first results on screen: **${ms(cold.total)} ms** for the first visit of a fresh browser profile (empty cache: HTML, scripts, the search page's chunk, the API call, rendering; the search itself ${ms(cold.server)} ms on the server); **${ms(percentile(warm, 50))} ms** p50, max ${ms(Math.max(...warm))} ms, over ${warm.length} other queries with the app's files cached (goal < 300 ms), of which the search took ${ms(percentile(warmServer, 50))} ms p50 (max ${ms(Math.max(...warmServer))} ms) on the server.`,
      `- Suggestions, per keystroke (${suggest.server.length} requests, one per prefix of ${titles.length} titles typed slower than the 150 ms debounce): server time p50 **${ms(percentile(suggest.server, 50))} ms**, p95 **${ms(percentile(suggest.server, 95))} ms**, max ${ms(Math.max(...suggest.server))} ms (from \`Server-Timing\`; goal < 50 ms); round trip seen by the browser p50 ${ms(percentile(suggest.roundTrip, 50))} ms, p95 ${ms(percentile(suggest.roundTrip, 95))} ms.`,
      ...lighthouseLines,
    ].join('\n');
    console.log('\n' + summary);

    if (!args.includes('--no-write')) {
      const doc = join(root, 'docs', 'benchmarks.md');
      const current = readFileSync(doc, 'utf8');
      const start = '<!-- bench:web:start -->';
      const end = '<!-- bench:web:end -->';
      if (current.includes(start) && current.includes(end)) {
        writeFileSync(doc, current.slice(0, current.indexOf(start) + start.length) + '\n' + summary + '\n' + current.slice(current.indexOf(end)));
        console.error(`\nwrote the results into ${doc}`);
      }
    }
  } finally {
    await browser.close();
    await server.stop();
    if (!reuseDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(`bench:web failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  if (!reuseDir) rmSync(dataDir, { recursive: true, force: true });
  process.exit(1);
});
