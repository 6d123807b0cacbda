/**
 * Lighthouse over storefront pages, as `npm run bench:web` reports it: mobile form factor with
 * Lighthouse's default simulated throttling (slow 4G, 4× CPU slowdown), the four categories the
 * storefront is held to. Each page runs several times and the median of each score is kept,
 * because the performance score moves by several points between runs on a shared machine.
 */
import { launch } from 'chrome-launcher';
import lighthouse from 'lighthouse';

export const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'] as const;
export type Category = (typeof CATEGORIES)[number];

export interface PageScores {
  name: string;
  url: string;
  /** 0–100, the median over the runs. */
  scores: Record<Category, number>;
  /** Median over the runs: first and largest contentful paint, total blocking time (ms), layout shift. */
  metrics: { fcpMs: number; lcpMs: number; tbtMs: number; cls: number };
  /** Audits that cost points in the last run, for the next person who tunes the page. */
  failing: string[];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

export async function lighthouseScores(pages: Array<{ name: string; url: string }>, options: { chromePath: string; runs: number; onRun?: (message: string) => void }): Promise<PageScores[]> {
  const chrome = await launch({ chromePath: options.chromePath, chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu'] });
  try {
    const results: PageScores[] = [];
    for (const page of pages) {
      const runs: Array<{ scores: Record<Category, number>; fcp: number; lcp: number; tbt: number; cls: number; failing: string[] }> = [];
      for (let run = 1; run <= options.runs; run++) {
        const result = await lighthouse(page.url, { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: [...CATEGORIES] });
        if (!result) throw new Error(`Lighthouse returned nothing for ${page.url}`);
        const { categories, audits } = result.lhr;
        const scores = Object.fromEntries(CATEGORIES.map((c) => [c, Math.round((categories[c]?.score ?? 0) * 100)])) as Record<Category, number>;
        const numeric = (id: string) => audits[id]?.numericValue ?? Number.NaN;
        const failing = Object.values(categories).flatMap((c) =>
          c.auditRefs.filter((ref) => ref.weight > 0 && (audits[ref.id]?.score ?? 1) < 0.9).map((ref) => `${ref.id} (${audits[ref.id]?.displayValue ?? audits[ref.id]?.score})`),
        );
        runs.push({ scores, fcp: numeric('first-contentful-paint'), lcp: numeric('largest-contentful-paint'), tbt: numeric('total-blocking-time'), cls: numeric('cumulative-layout-shift'), failing });
        options.onRun?.(`${page.name} run ${run}/${options.runs}: ${CATEGORIES.map((c) => `${c} ${scores[c]}`).join(', ')}`);
      }
      results.push({
        ...page,
        scores: Object.fromEntries(CATEGORIES.map((c) => [c, median(runs.map((r) => r.scores[c]))])) as Record<Category, number>,
        metrics: { fcpMs: median(runs.map((r) => r.fcp)), lcpMs: median(runs.map((r) => r.lcp)), tbtMs: median(runs.map((r) => r.tbt)), cls: median(runs.map((r) => r.cls)) },
        failing: runs.at(-1)!.failing,
      });
    }
    return results;
  } finally {
    chrome.kill();
  }
}
