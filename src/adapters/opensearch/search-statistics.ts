/**
 * Plans a search on OpenSearch by the shared rules (search-text/query-plan.ts), which need term
 * statistics before the search itself: one request counts, over live books, each typed term (or the
 * books with a word it starts while it is typed), all books and their total length. Only when a
 * term is unknown or rare do two more follow: the term suggester lists its near-spellings, then they
 * are counted too, since the suggester's frequencies are Lucene's, which still include replaced and
 * removed versions until segments merge. The counts also give bm25 its corpus statistics.
 */
import { maxEditsFor } from '../search-text/edit-distance.js';
import { nearSpellings, type Neighbour } from '../search-text/near-spellings.js';
import { planQuery, wantsAlternatives, type QueryPlan, type TermStatistics } from '../search-text/query-plan.js';
import type { ParsedQuery } from '../search-text/query-text.js';
import { NOT_DELETED, vocabularyMatch, type Phrase } from './search-query.js';

type Json = Record<string, unknown>;

/** Runs a search request against the alias and returns the response body. */
export type SearchRequest = (body: Json) => Promise<unknown>;

/** Near-spellings the suggester returns per term and field; the plan keeps at most a few of the best. */
const SUGGESTIONS = 50;

/** The corpus statistics of FTS5's bm25, over live books. */
export interface Corpus {
  /** Number of books. */
  rows: number;
  /** Average number of terms per book. */
  averageLength: number;
  /** Books containing `term` or, as a prefix, a term starting with it. */
  hits(term: string, prefix: boolean): number;
}

export interface PlannedSearch {
  plan: QueryPlan;
  corpus: Corpus;
}

interface CountsBody {
  hits: { total?: number | { value: number } };
  aggregations?: { length?: { value: number }; df?: { buckets: Record<string, { doc_count: number }> } };
  suggest?: Record<string, Array<{ options: Array<{ text: string }> }>>;
}

const countKey = (term: string, prefix: boolean) => (prefix ? `${term}*` : term);

interface Counts {
  /** Live books per phrase, by `countKey`. */
  counts: Map<string, number>;
  rows: number;
  /** Total length of all live books, when the corpus was asked for. */
  length: number;
}

/** Live books per phrase, in one request of filter aggregations; also the corpus size and length. */
async function count(search: SearchRequest, keys: readonly Phrase[], corpus: boolean): Promise<Counts> {
  const filters: Json = {};
  keys.forEach((k, i) => (filters[`k${i}`] = vocabularyMatch(k)));
  const body = (await search({
    size: 0,
    track_total_hits: corpus,
    query: NOT_DELETED,
    aggs: { ...(keys.length > 0 ? { df: { filters: { filters } } } : {}), ...(corpus ? { length: { sum: { field: 'length' } } } : {}) },
  })) as CountsBody;
  const buckets = body.aggregations?.df?.buckets ?? {};
  const counts = new Map(keys.map((k, i) => [countKey(k.term, k.prefix), buckets[`k${i}`]?.doc_count ?? 0]));
  const total = body.hits.total;
  return { counts, rows: typeof total === 'number' ? total : (total?.value ?? 0), length: body.aggregations?.length?.value ?? 0 };
}

const reversed = (text: string) => Array.from(text).reverse().join('');

function suggester(field: string, term: string): Json {
  return {
    text: term,
    term: {
      field,
      suggest_mode: 'always',
      max_edits: maxEditsFor(Array.from(term).length),
      prefix_length: 0,
      min_word_length: 1,
      // The planner already decided this term is rare; Lucene's count may be higher (older versions).
      max_term_freq: 1e9,
      string_distance: 'damerau_levenshtein',
      accuracy: 0.1,
      size: SUGGESTIONS,
      shard_size: SUGGESTIONS,
      max_inspections: 10,
      sort: 'score',
    },
  };
}

/**
 * Candidate near-spellings of each term. Lucene's spell checker only looks at candidates sharing the
 * first letter once it allows two edits, so the reversed vocabulary is asked too: a candidate is
 * missed only when two edits change both the first and the last letter.
 */
async function candidates(search: SearchRequest, terms: readonly string[]): Promise<Map<string, string[]>> {
  const suggest: Json = {};
  terms.forEach((term, i) => {
    suggest[`f${i}`] = suggester('vocabulary', term);
    suggest[`r${i}`] = suggester('vocabulary.reversed', term);
  });
  const body = (await search({ size: 0, query: { match_none: {} }, suggest })) as CountsBody;
  const options = (key: string) => body.suggest?.[key]?.[0]?.options.map((o) => o.text) ?? [];
  return new Map(terms.map((term, i) => [term, [...options(`f${i}`), ...options(`r${i}`).map(reversed)]]));
}

/** Statistics answered from fetched counts; a question about anything not fetched is a bug. */
class FetchedStatistics implements TermStatistics {
  constructor(
    private readonly counts: ReadonlyMap<string, number>,
    private readonly spellings: ReadonlyMap<string, readonly string[]>,
  ) {}

  df(term: string): number {
    return this.fetched(countKey(term, false));
  }

  hasPrefix(prefix: string): boolean {
    return this.fetched(countKey(prefix, true)) > 0;
  }

  neighbours(term: string): Neighbour[] {
    const found = this.spellings.get(term) ?? [];
    return nearSpellings(term, found.map((t) => ({ term: t, df: this.counts.get(t) ?? 0 })));
  }

  private fetched(key: string): number {
    const n = this.counts.get(key);
    if (n === undefined) throw new Error(`no statistics fetched for ${key}`);
    return n;
  }
}

/** The shared plan for `parsed`, with bm25's corpus statistics when `corpus` is asked for. */
export async function planSearch(parsed: ParsedQuery, search: SearchRequest, corpus: boolean): Promise<PlannedSearch> {
  const typed = parsed.terms.map((term, i) => ({ term, prefix: parsed.lastIsPrefix && i === parsed.terms.length - 1 }));
  if (typed.length === 0) {
    return { plan: planQuery(parsed, new FetchedStatistics(new Map(), new Map())), corpus: { rows: 0, averageLength: 0, hits: () => 0 } };
  }
  const first = await count(search, typed, corpus);
  const { counts } = first;
  const rare = typed.filter((t) => wantsAlternatives(t.term, t.prefix, counts.get(countKey(t.term, t.prefix))!)).map((t) => t.term);
  let spellings = new Map<string, string[]>();
  if (rare.length > 0) {
    spellings = await candidates(search, rare);
    // Count only the candidates close enough to count, once each.
    const close = new Set([...spellings].flatMap(([term, found]) => nearSpellings(term, found.map((t) => ({ term: t, df: 1 }))).map((n) => n.term)));
    const unknown = [...close].filter((t) => !counts.has(t));
    if (unknown.length > 0) {
      for (const [key, n] of (await count(search, unknown.map((term) => ({ term, prefix: false })), false)).counts) counts.set(key, n);
    }
  }
  const plan = planQuery(parsed, new FetchedStatistics(counts, spellings));
  const rows = Math.max(first.rows, 1);
  return {
    plan,
    corpus: {
      rows,
      averageLength: first.length / rows,
      hits: (term, prefix) => counts.get(countKey(term, prefix)) ?? 0,
    },
  };
}
