/**
 * What a search accepts for each typed term, decided the same way by every index: the term (and, while
 * it is being typed, any word it starts), other spellings of it (a number in words, a plural or
 * possessive without its `s`, two words run together), plus near-spellings when the term is unknown
 * or rare. Stop words are never required while the query holds other words. Only the statistics come
 * from the index; the rules are here, so both indexes match the same books.
 */
import { isCorrectable, type Neighbour } from './near-spellings.js';
import type { ParsedQuery } from './query-text.js';
import { equivalentSpellings, isStopWord } from './stop-words.js';

/** A term this rare is checked for a much more common near-spelling (`hary` next to `harry`). */
const RARE_DF = 3;
/** How much more common the near-spelling must be to be searched as well. */
const RARE_RATIO = 10;
/** Keeps the query small when a short term has many neighbours. */
const MAX_ALTERNATIVES = 4;
/** Run-together words are looked for in unknown terms at least this long (`davinci`). */
const MIN_SPLIT_LENGTH = 5;
const MAX_SPLITS = 2;

/** What the planner asks of an index. Answers are about live documents only. */
export interface TermStatistics {
  /** Number of documents containing `term`. */
  df(term: string): number;
  /** Whether some document contains a term starting with `prefix`. */
  hasPrefix(prefix: string): boolean;
  /** Near-spellings of `term` in the index, as `nearSpellings` filters and orders them. */
  neighbours(term: string): Neighbour[];
}

export interface TermPlan {
  term: string;
  /** Also matches terms starting with `term` (the word being typed). */
  prefix: boolean;
  /** Indexed terms also accepted: other spellings first, then those within a typo of `term`, closest first. */
  alternatives: string[];
  /** The typo cost of each alternative, in the same order: 0 for another spelling of the same word. */
  edits: number[];
  /** Two indexed words that the term runs together (`slaughterhousefive`), each accepted as a phrase. */
  splits: Array<[string, string]>;
  /** `term` itself (or as a prefix) occurs in the index. */
  found: boolean;
  /** Books must match it; false for a stop word in a query that holds other words. */
  required: boolean;
}

export interface QueryPlan {
  /** Every required term must match (the term, its prefix while typed, or an alternative). Empty matches every book. */
  terms: TermPlan[];
  /** Books matching the terms as typed rank before books that needed an alternative. */
  rankExactFirst: boolean;
  /** The query with each expanded term replaced by its best alternative. */
  correctedQuery: string | null;
}

export interface PlanOptions {
  /** False: the words as typed, without typo alternatives or run-together splits ("search instead for"). */
  autocorrect?: boolean;
}

/**
 * Whether a term whose own statistic is `count` (its df, or for a prefix whether any word starts
 * with it) gets near-spellings looked up. Exported so an index that fetches statistics ahead of
 * planning asks only for the neighbours the plan will use.
 */
export function wantsAlternatives(term: string, prefix: boolean, count: number): boolean {
  if (!isCorrectable(term)) return false;
  return prefix ? count === 0 : count <= RARE_DF;
}

/** Ways to read an unknown term as two indexed words, the most balanced first. */
function splitsOf(term: string, stats: TermStatistics): Array<[string, string]> {
  const chars = Array.from(term);
  if (chars.length < MIN_SPLIT_LENGTH) return [];
  const out: Array<[string, string]> = [];
  const middle = chars.length / 2;
  const cuts = chars.slice(1).map((_, i) => i + 1).sort((a, b) => Math.abs(a - middle) - Math.abs(b - middle));
  for (const cut of cuts) {
    const left = chars.slice(0, cut).join('');
    const right = chars.slice(cut).join('');
    if (stats.df(left) > 0 && stats.df(right) > 0) out.push([left, right]);
    if (out.length >= MAX_SPLITS) break;
  }
  return out;
}

function planTerm(term: string, prefix: boolean, required: boolean, stats: TermStatistics, autocorrect: boolean): TermPlan {
  const equivalents = autocorrect ? equivalentSpellings(term).filter((t) => stats.df(t) > 0) : [];
  const found = prefix ? stats.hasPrefix(term) : stats.df(term) > 0;
  let typos: Neighbour[] = [];
  if (autocorrect) {
    if (prefix) {
      if (wantsAlternatives(term, true, found ? 1 : 0)) typos = stats.neighbours(term);
    } else {
      const df = stats.df(term);
      if (wantsAlternatives(term, false, df)) typos = stats.neighbours(term).filter((n) => df === 0 || n.df >= RARE_RATIO * df);
    }
  }
  const expansions = [...equivalents.map((t) => ({ term: t, edits: 0 })), ...typos.map((n) => ({ term: n.term, edits: n.distance }))]
    .filter((e, i, all) => e.term !== term && all.findIndex((o) => o.term === e.term) === i)
    .slice(0, MAX_ALTERNATIVES);
  return {
    term,
    prefix,
    alternatives: expansions.map((e) => e.term),
    edits: expansions.map((e) => e.edits),
    splits: autocorrect && !found && expansions.length === 0 ? splitsOf(term, stats) : [],
    found,
    required,
  };
}

/** Decides, per query term, what the index should accept for it: the term, a prefix, other spellings, typo alternatives. */
export function planQuery(parsed: ParsedQuery, stats: TermStatistics, options: PlanOptions = {}): QueryPlan {
  const autocorrect = options.autocorrect ?? true;
  const onlyStopWords = parsed.terms.every(isStopWord);
  const terms = parsed.terms.map((term, i) =>
    planTerm(term, parsed.lastIsPrefix && i === parsed.terms.length - 1, onlyStopWords || !isStopWord(term), stats, autocorrect),
  );
  // A correction names the closest typo alternative (other spellings of the same word are no correction).
  const corrected = terms.map((t) => {
    const typo = t.alternatives.find((_, i) => t.edits[i]! > 0);
    return typo ?? (t.splits[0] ? t.splits[0].join(' ') : t.term);
  });
  const expanded = terms.some((t) => t.edits.some((e) => e > 0) || t.splits.length > 0);
  const correctedQuery = corrected.join(' ');
  return {
    terms,
    rankExactFirst: expanded && terms.every((t) => t.found || !t.required),
    correctedQuery: expanded && correctedQuery !== parsed.terms.join(' ') ? correctedQuery : null,
  };
}

/** The terms a book must match. */
export function requiredTerms(plan: QueryPlan): TermPlan[] {
  return plan.terms.filter((t) => t.required);
}

/** The plan's terms as typed, without alternatives: the books of the first relevance tier. */
export function exactTerms(plan: QueryPlan): TermPlan[] {
  return plan.terms.map((t) => ({ ...t, alternatives: [], edits: [], splits: [] }));
}

/** How a folded term of a document relates to the plan: matched whole, matched as a typed prefix, or not. */
export function termMatch(plan: QueryPlan, term: string): 'whole' | 'prefix' | null {
  for (const t of plan.terms) {
    if (t.term === term || t.alternatives.includes(term) || t.splits.some((s) => s.includes(term))) return 'whole';
    if (t.prefix && term.startsWith(t.term)) return 'prefix';
  }
  return null;
}
