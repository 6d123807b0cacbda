/**
 * Plans a search on OpenSearch by the shared rules (search-text/query-plan.ts), which need term
 * statistics before the search itself: one request counts, over live books, each typed term (or the
 * books with a word it starts while it is typed), all books and their total length. Only when a
 * term is unknown or rare do two more follow: the term suggester lists its near-spellings, then they
 * are counted too, since the suggester's frequencies are Lucene's, which still include replaced and
 * removed versions until segments merge. The counts also give bm25 its corpus statistics.
 *
 * Each of those round trips costs a search a few ms (HTTP and JSON on both sides; OpenSearch's own
 * work is well under a ms for the counts), so their answers are kept between searches
 * (statistics-cache.ts). A search planned from kept answers goes in one `_msearch` with a request
 * asking the same questions again: when they answer as before, the search's answer is the one a
 * fresh plan gives, for one round trip; when the index has changed since, the search is planned again
 * from the fresh answers and sent again. So an answer never depends on what was kept, whoever writes
 * to the index. The questions are not asked inside the search request itself, which would spare the
 * `_msearch`: as a request of their own, without hits, OpenSearch's request cache answers them
 * until the index changes, while counting inside the search runs over all live books every time.
 */
import { maxEditsFor } from '../search-text/edit-distance.js';
import { nearSpellings, type Neighbour } from '../search-text/near-spellings.js';
import { equivalentSpellings } from '../search-text/stop-words.js';
import { planQuery, wantsAlternatives, type QueryPlan, type TermStatistics } from '../search-text/query-plan.js';
import type { ParsedQuery } from '../search-text/query-text.js';
import { NOT_DELETED, vocabularyMatch, type Phrase } from './search-query.js';
import type { StatisticsCache } from './statistics-cache.js';

type Json = Record<string, unknown>;

/** The requests planning sends to the alias. */
export interface SearchRequests {
  /** One search; its response body. */
  search(body: Json): Promise<unknown>;
  /** Several searches in one round trip (`_msearch`); their response bodies in order. Rejects if any fails. */
  searchAll(bodies: Json[]): Promise<unknown[]>;
}

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

interface StatisticsBody {
  hits: { total?: number | { value: number } };
  aggregations?: { length?: { value: number }; df?: { buckets: Record<string, { doc_count: number }> } };
  suggest?: Record<string, Array<{ options: Array<{ text: string }> }>>;
}

/** What planning asks the index: live books per phrase, the corpus totals, the near-spellings of terms. */
interface Questions {
  phrases: Phrase[];
  /** How many live books there are and their total length. */
  totals: boolean;
  spellings: string[];
}

interface Totals {
  rows: number;
  length: number;
}

/**
 * Answers by key, as the cache keeps them: `count:<phrase>` (live books with it, a typed prefix
 * ending in `*`), `totals`, and `spellings:<term>` (the suggester's candidates).
 */
type Answers = Map<string, unknown>;

const countKey = (p: Phrase) => `count:${p.prefix ? `${p.term}*` : p.term}`;
const spellingsKey = (term: string) => `spellings:${term}`;
const TOTALS = 'totals';

const keysOf = (q: Questions) => [...q.phrases.map(countKey), ...(q.totals ? [TOTALS] : []), ...q.spellings.map(spellingsKey)];

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
 * One request answering `q`: filter aggregations count live books, and the term suggester lists
 * near-spellings. Lucene's spell checker only looks at candidates sharing the first letter once it
 * allows two edits, so the reversed vocabulary is asked too: a candidate is missed only when two
 * edits change both the first and the last letter. A request without hits, so OpenSearch's request
 * cache answers it again until the index changes.
 */
function statisticsRequest(q: Questions): Json {
  const counting = q.phrases.length > 0 || q.totals;
  const body: Json = { size: 0, track_total_hits: q.totals, query: counting ? NOT_DELETED : { match_none: {} } };
  if (counting) {
    const filters: Json = {};
    q.phrases.forEach((p, i) => (filters[`k${i}`] = vocabularyMatch(p)));
    body.aggs = { ...(q.phrases.length > 0 ? { df: { filters: { filters } } } : {}), ...(q.totals ? { length: { sum: { field: 'length' } } } : {}) };
  }
  if (q.spellings.length > 0) {
    const suggest: Json = {};
    q.spellings.forEach((term, i) => {
      suggest[`f${i}`] = suggester('vocabulary', term);
      suggest[`r${i}`] = suggester('vocabulary.reversed', term);
    });
    body.suggest = suggest;
  }
  return body;
}

function answersOf(q: Questions, answer: unknown): Answers {
  const body = answer as StatisticsBody;
  const buckets = body.aggregations?.df?.buckets ?? {};
  const answers: Answers = new Map(q.phrases.map((p, i) => [countKey(p), buckets[`k${i}`]?.doc_count ?? 0]));
  if (q.totals) {
    const total = body.hits.total;
    answers.set(TOTALS, { rows: typeof total === 'number' ? total : (total?.value ?? 0), length: body.aggregations?.length?.value ?? 0 } satisfies Totals);
  }
  const options = (key: string) => body.suggest?.[key]?.[0]?.options.map((o) => o.text) ?? [];
  q.spellings.forEach((term, i) => answers.set(spellingsKey(term), [...options(`f${i}`), ...options(`r${i}`).map(reversed)]));
  return answers;
}

/** Whether two answers to one question are the same numbers or words (they come from the same reader). */
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The statistics of one plan as it is made. Questions whose every answer is kept are not sent: the
 * kept answers are taken (and the questions listed in `guessed`, to be asked again with the search);
 * the others go in one request, and their answers are kept.
 */
class Gathering {
  readonly answers: Answers;
  readonly guessed: Questions = { phrases: [], totals: false, spellings: [] };

  constructor(
    private readonly requests: SearchRequests,
    private readonly cache: StatisticsCache,
    private readonly guess: boolean,
    known: Answers = new Map(),
  ) {
    this.answers = new Map(known);
  }

  get guessedAny(): boolean {
    return keysOf(this.guessed).length > 0;
  }

  has(key: string): boolean {
    return this.answers.has(key);
  }

  count(p: Phrase): number {
    return this.fetched<number>(countKey(p));
  }

  /** For a phrase that may not have been counted: a near-spelling too far to count, a phrase not in the plan. */
  countOrZero(p: Phrase): number {
    return this.has(countKey(p)) ? this.count(p) : 0;
  }

  spellings(term: string): readonly string[] {
    return this.fetched<string[]>(spellingsKey(term));
  }

  async ask(q: Questions): Promise<void> {
    const keys = keysOf(q);
    if (keys.length === 0) return;
    const kept = this.guess ? keys.map((key) => this.cache.get(key)) : [];
    if (this.guess && kept.every((answer) => answer !== undefined)) {
      keys.forEach((key, i) => this.answers.set(key, kept[i]));
      this.guessed.phrases.push(...q.phrases);
      this.guessed.totals ||= q.totals;
      this.guessed.spellings.push(...q.spellings);
      return;
    }
    this.learn(answersOf(q, await this.requests.search(statisticsRequest(q))));
  }

  /** Takes fresh answers as they are, and keeps them for later searches. */
  learn(answers: Answers): void {
    for (const [key, answer] of answers) {
      this.answers.set(key, answer);
      this.cache.set(key, answer);
    }
  }

  private fetched<T>(key: string): T {
    const answer = this.answers.get(key);
    if (answer === undefined) throw new Error(`no statistics fetched for ${key}`);
    return answer as T;
  }
}

/** Statistics answered from gathered values; a question about anything not gathered is a bug. */
class GatheredStatistics implements TermStatistics {
  constructor(private readonly gathering: Gathering) {}

  /**
   * Zero for a term not gathered: the planner also asks about the halves of an unknown term that may
   * be two words run together, which suggestions do not look for (a word being typed is unfinished).
   */
  df(term: string): number {
    return this.gathering.countOrZero({ term, prefix: false });
  }

  hasPrefix(prefix: string): boolean {
    return this.gathering.count({ term: prefix, prefix: true }) > 0;
  }

  neighbours(term: string): Neighbour[] {
    const found = this.gathering.spellings(term);
    return nearSpellings(term, found.map((t) => ({ term: t, df: this.gathering.countOrZero({ term: t, prefix: false }) })));
  }
}

/** Everything the plan for `typed` needs, in up to three requests (see the module comment). */
async function gather(gathering: Gathering, typed: readonly Phrase[], corpus: boolean): Promise<void> {
  const uncounted = (phrases: readonly Phrase[]) => [...new Map(phrases.map((p) => [countKey(p), p])).values()].filter((p) => !gathering.has(countKey(p)));
  // Other spellings of each term (a number in words, a plural's singular) are counted with it.
  const spellings = typed.flatMap((t) => equivalentSpellings(t.term).map((term) => ({ term, prefix: false })));
  await gathering.ask({ phrases: uncounted([...typed, ...spellings]), totals: corpus && !gathering.has(TOTALS), spellings: [] });
  const rare = [...new Set(typed.filter((t) => wantsAlternatives(t.term, t.prefix, gathering.count(t))).map((t) => t.term))];
  if (rare.length === 0) return;
  await gathering.ask({ phrases: [], totals: false, spellings: rare.filter((term) => !gathering.has(spellingsKey(term))) });
  // Count only the candidates close enough to count, once each.
  const close = rare.flatMap((term) => nearSpellings(term, gathering.spellings(term).map((t) => ({ term: t, df: 1 }))).map((n) => ({ term: n.term, prefix: false })));
  await gathering.ask({ phrases: uncounted(close), totals: false, spellings: [] });
}

function plannedFrom(parsed: ParsedQuery, gathering: Gathering): PlannedSearch {
  const plan = planQuery(parsed, new GatheredStatistics(gathering));
  const totals = gathering.answers.get(TOTALS) as Totals | undefined;
  const rows = Math.max(totals?.rows ?? 0, 1);
  return {
    plan,
    corpus: {
      rows,
      averageLength: (totals?.length ?? 0) / rows,
      hits: (term, prefix) => gathering.countOrZero({ term, prefix }),
    },
  };
}

/**
 * Plans `parsed` by the shared rules, with bm25's corpus statistics when `corpus` is asked for, and
 * sends the request `request` makes of the plan; answers with the plan and that request's response.
 */
export async function plannedSearch(
  parsed: ParsedQuery,
  corpus: boolean,
  requests: SearchRequests,
  cache: StatisticsCache,
  request: (planned: PlannedSearch) => Json,
): Promise<{ plan: QueryPlan; response: unknown }> {
  const typed = parsed.terms.map((term, i) => ({ term, prefix: parsed.lastIsPrefix && i === parsed.terms.length - 1 }));
  const first = new Gathering(requests, cache, true);
  if (typed.length > 0) await gather(first, typed, corpus);
  const planned = plannedFrom(parsed, first);
  if (!first.guessedAny) return { plan: planned.plan, response: await requests.search(request(planned)) };

  const [checked, response] = await requests.searchAll([statisticsRequest(first.guessed), request(planned)]);
  const fresh = answersOf(first.guessed, checked);
  const unchanged = [...fresh].every(([key, answer]) => same(answer, first.answers.get(key)));
  first.learn(fresh);
  if (unchanged) return { plan: planned.plan, response };

  // The index changed since those answers were kept: plan again from what it holds now.
  const second = new Gathering(requests, cache, false, first.answers);
  await gather(second, typed, corpus);
  const replanned = plannedFrom(parsed, second);
  return { plan: replanned.plan, response: await requests.search(request(replanned)) };
}
