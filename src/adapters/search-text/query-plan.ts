/**
 * What a search accepts for each typed term, decided the same way by every index: the term (and, while
 * it is being typed, any word it starts), plus near-spellings when the term is unknown or rare. Only
 * the statistics come from the index; the rules are here, so both indexes match the same books.
 */
import { isCorrectable, type Neighbour } from './near-spellings.js';
import type { ParsedQuery } from './query-text.js';

/** A term this rare is checked for a much more common near-spelling (`hary` next to `harry`). */
const RARE_DF = 3;
/** How much more common the near-spelling must be to be searched as well. */
const RARE_RATIO = 10;
/** Keeps the query small when a short term has many neighbours. */
const MAX_ALTERNATIVES = 4;

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
  /** Indexed terms within a typo of `term`, closest first, also accepted. */
  alternatives: string[];
  /** `term` itself (or as a prefix) occurs in the index. */
  found: boolean;
}

export interface QueryPlan {
  /** Every term must match (the term, its prefix while typed, or an alternative). Empty matches every book. */
  terms: TermPlan[];
  /** Books matching the terms as typed rank before books that needed an alternative. */
  rankExactFirst: boolean;
  /** The query with each expanded term replaced by its best alternative. */
  correctedQuery: string | null;
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

function planTerm(term: string, prefix: boolean, stats: TermStatistics): TermPlan {
  if (prefix) {
    const found = stats.hasPrefix(term);
    const alternatives = wantsAlternatives(term, true, found ? 1 : 0) ? stats.neighbours(term).map((n) => n.term) : [];
    return { term, prefix, found, alternatives: alternatives.slice(0, MAX_ALTERNATIVES) };
  }
  const df = stats.df(term);
  if (!wantsAlternatives(term, false, df)) return { term, prefix, found: df > 0, alternatives: [] };
  const alternatives = stats
    .neighbours(term)
    .filter((n) => df === 0 || n.df >= RARE_RATIO * df)
    .map((n) => n.term);
  return { term, prefix, found: df > 0, alternatives: alternatives.slice(0, MAX_ALTERNATIVES) };
}

/** Decides, per query term, what the index should accept for it: the term, a prefix, typo alternatives. */
export function planQuery(parsed: ParsedQuery, stats: TermStatistics): QueryPlan {
  const terms = parsed.terms.map((term, i) => planTerm(term, parsed.lastIsPrefix && i === parsed.terms.length - 1, stats));
  const expanded = terms.some((t) => t.alternatives.length > 0);
  return {
    terms,
    rankExactFirst: expanded && terms.every((t) => t.found),
    correctedQuery: expanded ? terms.map((t) => t.alternatives[0] ?? t.term).join(' ') : null,
  };
}

/** The plan's terms as typed, without alternatives: the books of the first relevance tier. */
export function exactTerms(plan: QueryPlan): TermPlan[] {
  return plan.terms.map((t) => ({ ...t, alternatives: [] }));
}

/** How a folded term of a document relates to the plan: matched whole, matched as a typed prefix, or not. */
export function termMatch(plan: QueryPlan, term: string): 'whole' | 'prefix' | null {
  for (const t of plan.terms) {
    if (t.term === term || t.alternatives.includes(term)) return 'whole';
    if (t.prefix && term.startsWith(t.term)) return 'prefix';
  }
  return null;
}
