/**
 * `npx tsx bench/lighthouse-diagnose.ts [--out DIR] [--only home,book]`: one Lighthouse run (the
 * settings of bench/lighthouse.ts) per demo page, keeping each full report and printing what costs
 * the performance score: where the main thread's time goes (bootup-time,
 * mainthread-work-breakdown), the long tasks, unused JavaScript, the script bytes and the elements
 * that moved (layout-shifts). Needs `npm run build` first, like bench/lighthouse-demo.ts.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch } from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { withDemoStore } from './demo-store.js';

const arg = (name: string) => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
};
const outDir = arg('--out') ?? mkdtempSync(join(tmpdir(), 'bookstore-lighthouse-report-'));
const only = arg('--only')?.split(',');
mkdirSync(outDir, { recursive: true });

type Details = { items?: Array<Record<string, unknown>> };
const table = (title: string, rows: string[]) => console.log(`\n${title}\n${rows.map((r) => `  ${r}`).join('\n')}`);

await withDemoStore(async ({ base, pages: all }) => {
  const short = (url: unknown) => String(url).replace(base, '');
  const pages = all.filter((p) => !only || only.includes(p.name));
  const chrome = await launch({ chromePath: process.env.CHROMIUM ?? '/usr/bin/chromium', chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu'] });
  try {
    for (const page of pages) {
      const result = await lighthouse(page.url, { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: ['performance'] });
      if (!result) throw new Error(`Lighthouse returned nothing for ${page.url}`);
      writeFileSync(join(outDir, `${page.name}.json`), result.report as string);
      const { audits, categories } = result.lhr;
      const items = (id: string) => ((audits[id]?.details as Details | undefined)?.items ?? []);
      console.log(`\n=== ${page.name}: performance ${Math.round((categories.performance?.score ?? 0) * 100)}, load ${loadavg()[0]!.toFixed(2)}`);
      for (const id of ['first-contentful-paint', 'largest-contentful-paint', 'total-blocking-time', 'cumulative-layout-shift', 'speed-index', 'max-potential-fid']) {
        console.log(`  ${id}: ${audits[id]?.displayValue} (score ${audits[id]?.score})`);
      }
      table('bootup-time (ms: total, script evaluation, parse+compile)', items('bootup-time').map((i) => `${short(i.url)}: ${Math.round(Number(i.total))} / ${Math.round(Number(i.scripting))} / ${Math.round(Number(i.scriptParseCompile))}`));
      table('mainthread-work-breakdown (ms)', items('mainthread-work-breakdown').map((i) => `${i.groupLabel}: ${Math.round(Number(i.duration))}`));
      table('long-tasks (start ms, duration ms)', items('long-tasks').map((i) => `${short(i.url)} at ${Math.round(Number(i.startTime))}: ${Math.round(Number(i.duration))}`));
      table('unused-javascript (bytes, wasted)', items('unused-javascript').map((i) => `${short(i.url)}: ${i.totalBytes} / ${i.wastedBytes}`));
      table('network (transfer bytes, start→end ms)', items('network-requests').map((i) => `${short(i.url)} ${i.resourceType} ${i.transferSize} B ${Math.round(Number(i.networkRequestTime))}→${Math.round(Number(i.networkEndTime))}`));
      table('layout-shifts', items('layout-shifts').map((i) => `${JSON.stringify((i.node as { selector?: string; snippet?: string } | undefined)?.snippet ?? i.node)} score ${i.score}`));
      table('largest-contentful-paint-element', items('largest-contentful-paint-element').flatMap((i) => ((i as Details).items ?? [i]).map((x) => JSON.stringify(x).slice(0, 240))));
    }
  } finally {
    chrome.kill();
  }
  console.log(`\nreports in ${outDir}`);
});
