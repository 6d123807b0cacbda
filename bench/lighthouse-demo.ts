/**
 * `npx tsx bench/lighthouse-demo.ts [--runs N]`: Lighthouse (phone profile, default simulated
 * throttling; bench/lighthouse.ts) on the demo store `npm start` serves — home, search, a book and a
 * category page — the median of N runs (default 3) of each score. Needs `npm run build` first (the
 * server serves dist/web). `npm run bench:web` does the same on a 100k-book store, with more.
 */
import { cpus, loadavg } from 'node:os';
import { withDemoStore } from './demo-store.js';
import { lighthouseScores } from './lighthouse.js';

const runsAt = process.argv.indexOf('--runs');
const RUNS = runsAt >= 0 ? Number(process.argv[runsAt + 1]) : 3;

await withDemoStore(async ({ pages }) => {
  const before = loadavg()[0]!.toFixed(2);
  const scores = await lighthouseScores(pages.map((p) => ({ name: p.label, url: p.url })), { chromePath: process.env.CHROMIUM ?? '/usr/bin/chromium', runs: RUNS, onRun: (m) => console.error(`  ${m}`) });
  console.log(`| page | performance | accessibility | best practices | SEO | FCP | LCP | TBT | CLS |`);
  console.log(`|---|---:|---:|---:|---:|---:|---:|---:|---:|`);
  for (const s of scores) {
    const m = s.metrics;
    console.log(`| ${s.name} | ${s.scores.performance} | ${s.scores.accessibility} | ${s.scores['best-practices']} | ${s.scores.seo} | ${Math.round(m.fcpMs)} ms | ${Math.round(m.lcpMs)} ms | ${Math.round(m.tbtMs)} ms | ${m.cls.toFixed(3)} |`);
  }
  console.log(`\n${RUNS} runs per page; load average ${before} → ${loadavg()[0]!.toFixed(2)} on ${cpus().length} cores.`);
});
