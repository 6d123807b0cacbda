/**
 * What the ranking index executes: the planner's decisions (search-text/query-plan.ts) reduced to
 * phrases, in exactly the order fts-expression.ts writes them into an FTS5 MATCH expression, because
 * bm25 sums its per-phrase terms in that order and parity with FTS5 means the same sums bit for bit.
 */
import type { QueryPlan } from '../../../search-text/query-plan.js';

export interface RankedPhrase {
  term: string;
  /** Matches every indexed term starting with `term`. */
  prefix: boolean;
  /** The term as typed (not a typo alternative): a book matching every term so is in the first tier. */
  asTyped: boolean;
}

export interface RankedTerm {
  /** A book matches the term when it matches any of these. */
  phrases: RankedPhrase[];
}

export interface RankedQuery {
  /** Every term must match. Never empty: an empty query has no relevance. */
  terms: RankedTerm[];
  /** Books matching every term as typed rank before the others (FTS5 path: the `exact` tier). */
  tiered: boolean;
}

/** Most terms a query can have: one bit per term in a 32-bit mask. The parser allows far fewer. */
export const MAX_RANKED_TERMS = 30;

/** The plan as the ranking index runs it; null when it has no terms (or more than the index takes). */
export function rankedQueryOf(plan: QueryPlan): RankedQuery | null {
  if (plan.terms.length === 0 || plan.terms.length > MAX_RANKED_TERMS) return null;
  return {
    terms: plan.terms.map((t) => ({
      phrases: [{ term: t.term, prefix: t.prefix, asTyped: true }, ...t.alternatives.map((a) => ({ term: a, prefix: false, asTyped: false }))],
    })),
    tiered: plan.rankExactFirst,
  };
}
