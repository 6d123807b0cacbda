/**
 * The relevance suite, shared by both profiles: a catalog of real, well-known books (books.csv, the
 * import format) and the queries of queries.ts, each with the book it should find. A profile's test
 * loads the catalog (through the import path, or straight into a SearchIndex), runs `measureRelevance`
 * and asserts RELEVANCE_FLOOR; the exact figures go to the console and to docs/benchmarks.md.
 */
import { createReadStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { NoopMetrics } from '../../src/adapters/noop-metrics.js';
import { searchUseCases } from '../../src/app/search.js';
import { importCatalog } from '../../src/cli/import/import-catalog.js';
import { parseCatalog } from '../../src/cli/import/parse-catalog.js';
import type { Store } from '../../src/composition.js';
import type { BookInput } from '../../src/domain/book.js';
import type { SearchDocument, SearchIndex, SearchResult } from '../../src/ports/search-index.js';
import { RELEVANCE_QUERIES, type QueryKind, type RelevanceQuery } from './queries.js';

export { RELEVANCE_QUERIES, type RelevanceQuery } from './queries.js';

export const RELEVANCE_CATALOG = fileURLToPath(new URL('./books.csv', import.meta.url));

/** What every profile must reach (issue 12): the book in the top 3 for 97% of queries, first for 90%. */
export const RELEVANCE_FLOOR = { top3: 0.97, top1: 0.9 } as const;

/** How deep a result list is read: a book found below this counts as not found. */
const DEPTH = 10;

export interface RelevanceMiss {
  q: string;
  kind: QueryKind;
  expect: string;
  /** 1-based position of the expected book in the first DEPTH hits, null when absent. */
  rank: number | null;
  /** Titles of the first three hits. */
  got: string[];
}

export interface RelevanceReport {
  queries: number;
  top1: number;
  top3: number;
  /** Queries whose book was not first, in suite order. */
  misses: RelevanceMiss[];
  /** Per kind of query: how many, how many first, how many in the top 3. */
  byKind: Record<string, { queries: number; top1: number; top3: number }>;
  /** Wall time of the searches, milliseconds (a figure to report, never to assert). */
  millis: { p50: number; p95: number; max: number };
}

/** The catalog's books as the import parser reads them; throws on a row it rejects (the fixture must be clean). */
export async function relevanceBooks(): Promise<BookInput[]> {
  const books: BookInput[] = [];
  for await (const row of parseCatalog(createReadStream(RELEVANCE_CATALOG), 'csv')) {
    if ('error' in row) throw new Error(`books.csv line ${row.line}: ${row.error}`);
    books.push(row.book);
  }
  return books;
}

/** The catalog as search documents (id = ISBN, version 1), for a test that feeds a SearchIndex directly. */
export async function relevanceDocuments(): Promise<SearchDocument[]> {
  return (await relevanceBooks()).map((book) => ({ ...book, id: book.isbn, version: 1 }));
}

/** Imports the catalog through the CLI's import path and waits until the derived stores have applied it. */
export async function importRelevanceCatalog(store: Store): Promise<void> {
  const result = await importCatalog(store, RELEVANCE_CATALOG);
  if (result.invalid > 0) throw new Error(`books.csv has invalid rows: ${JSON.stringify(result.errors)}`);
  await store.projections.catchUp();
}

/** A search function over `index` through the search use case, as the API calls it. */
export function searchThrough(index: SearchIndex): (q: string) => Promise<SearchResult> {
  const { search } = searchUseCases({ searchIndex: index, metrics: new NoopMetrics() });
  return (q) => search({ q, sort: 'relevance', limit: DEPTH });
}

/** Expected titles missing from the catalog or present more than once: a broken suite, not a search miss. */
export function suiteProblems(books: readonly Pick<BookInput, 'title'>[], queries: readonly RelevanceQuery[] = RELEVANCE_QUERIES): string[] {
  const counts = new Map<string, number>();
  for (const b of books) counts.set(b.title, (counts.get(b.title) ?? 0) + 1);
  return queries.flatMap((query) => {
    const n = counts.get(query.expect) ?? 0;
    return n === 1 ? [] : [`"${query.q}" expects "${query.expect}", which the catalog holds ${n} times`];
  });
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}

/**
 * Runs every query once and scores where its book came. The times are of that one, uncached run, so
 * they include the first queries' warm-up.
 */
export async function measureRelevance(
  search: (q: string) => Promise<SearchResult>,
  queries: readonly RelevanceQuery[] = RELEVANCE_QUERIES,
): Promise<RelevanceReport> {
  const report: RelevanceReport = { queries: queries.length, top1: 0, top3: 0, misses: [], byKind: {}, millis: { p50: 0, p95: 0, max: 0 } };
  const times: number[] = [];
  for (const query of queries) {
    const started = performance.now();
    const result = await search(query.q);
    times.push(performance.now() - started);
    const titles = result.hits.map((h) => h.book.title);
    const index = titles.slice(0, DEPTH).indexOf(query.expect);
    const rank = index < 0 ? null : index + 1;
    const kind = (report.byKind[query.kind] ??= { queries: 0, top1: 0, top3: 0 });
    kind.queries++;
    if (rank === 1) {
      report.top1++;
      kind.top1++;
    }
    if (rank !== null && rank <= 3) {
      report.top3++;
      kind.top3++;
    }
    if (rank !== 1) report.misses.push({ q: query.q, kind: query.kind, expect: query.expect, rank, got: titles.slice(0, 3) });
  }
  times.sort((a, b) => a - b);
  report.millis = { p50: percentile(times, 0.5), p95: percentile(times, 0.95), max: times.at(-1) ?? 0 };
  return report;
}

const pct = (n: number, of: number) => `${((100 * n) / of).toFixed(1)}%`;

/** The figures and every miss, for the console and docs/benchmarks.md. */
export function describeRelevance(profile: string, r: RelevanceReport): string {
  const lines = [
    `relevance (${profile}): top-1 ${r.top1}/${r.queries} (${pct(r.top1, r.queries)}), top-3 ${r.top3}/${r.queries} (${pct(r.top3, r.queries)}); ` +
      `search p50 ${r.millis.p50.toFixed(2)} ms, p95 ${r.millis.p95.toFixed(2)} ms, max ${r.millis.max.toFixed(2)} ms`,
    ...Object.entries(r.byKind).map(([kind, k]) => `  ${kind}: top-1 ${k.top1}/${k.queries}, top-3 ${k.top3}/${k.queries}`),
    ...r.misses.map((m) => `  ${m.rank === null ? 'not found' : `#${m.rank}`}: "${m.q}" → ${m.expect}; got ${m.got.map((t) => `"${t}"`).join(', ') || 'nothing'}`),
  ];
  return lines.join('\n');
}
