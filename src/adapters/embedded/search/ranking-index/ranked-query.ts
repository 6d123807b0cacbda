/**
 * What the ranking index executes: the planner's decisions (search-text/query-plan.ts) reduced to
 * phrases, in exactly the order fts-expression.ts writes them into an FTS5 MATCH expression, because
 * bm25 sums its per-phrase terms in that order and parity with FTS5 means the same sums bit for bit.
 */
import { requiredTerms, type QueryPlan } from '../../../search-text/query-plan.js';
import { relaxedClauses } from '../fts-expression.js';

export interface RankedPhrase {
  /** One word, or two that must stand next to each other in one column (a run-together split). */
  words: readonly string[];
  /** Matches every indexed term starting with the word. Only for one-word phrases. */
  prefix: boolean;
  /** The term as typed (not another spelling or a typo alternative): a book matching every term so is in the first tier. */
  asTyped: boolean;
}

export interface RankedTerm {
  /** A book matches the term when it matches any of these. */
  phrases: RankedPhrase[];
}

export interface RankedQuery {
  /** The required terms of the plan. Never empty: an empty query has no relevance. */
  terms: RankedTerm[];
  /**
   * A book matches when it matches every term of one clause (indexes into `terms`). Unrelaxed: one
   * clause of every term. Relaxed: the clauses of fts-expression's OR of ANDs, in its order; a term
   * in several clauses is several phrases to FTS5, each counted in bm25 where its clause matches.
   */
  clauses: number[][];
  /** Books matching every term as typed rank before the others (FTS5 path: the `exact` tier). */
  tiered: boolean;
  relaxed: boolean;
}

/** Most terms a query can have: one bit per term in a 32-bit mask. The parser allows far fewer. */
export const MAX_RANKED_TERMS = 30;

/**
 * The plan as the ranking index runs it, relaxed to books matching `keep` of its required terms
 * when `keep` is below their number (as ftsQuery does); null when it has no required terms (or more
 * than the index takes).
 */
export function rankedQueryOf(plan: QueryPlan, keep?: number): RankedQuery | null {
  const required = requiredTerms(plan);
  if (required.length === 0 || required.length > MAX_RANKED_TERMS) return null;
  const relaxed = keep !== undefined && keep < required.length;
  if (relaxed && keep < 1) return null;
  const clauses = relaxed ? relaxedClauses(required, keep).map((c) => c.map((t) => required.indexOf(t))) : [required.map((_, i) => i)];
  return {
    terms: required.map((t) => ({
      phrases: [
        { words: [t.term], prefix: t.prefix, asTyped: true },
        ...t.alternatives.map((a) => ({ words: [a], prefix: false, asTyped: false })),
        ...t.splits.map((s) => ({ words: s, prefix: false, asTyped: false })),
      ],
    })),
    clauses,
    tiered: !relaxed && plan.rankExactFirst,
    relaxed,
  };
}

/**
 * One document's words, as the ranking index's postings and phrases see them: `columns` are its
 * terms per ranked column (indexed-text.ts's columnWords).
 */
export class DocumentWords {
  private readonly words: Set<string>;
  private sorted: string[] | null = null;

  constructor(private readonly columns: readonly (readonly string[])[]) {
    this.words = new Set(columns.flat());
  }

  has(phrase: RankedPhrase): boolean {
    if (phrase.words.length === 2) {
      const [first, second] = phrase.words as [string, string];
      return this.columns.some((words) => words.some((word, i) => word === first && words[i + 1] === second));
    }
    const word = phrase.words[0]!;
    if (!phrase.prefix) return this.words.has(word);
    // The first word not below the prefix starts with it when any does, as the segment's prefix ranges.
    const sorted = (this.sorted ??= [...this.words].sort());
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid]! < word) lo = mid + 1;
      else hi = mid;
    }
    return lo < sorted.length && sorted[lo]!.startsWith(word);
  }
}

/** Whether the ranking index counts a live document with these words among the matches of `query`. */
export function matchesDocument(query: RankedQuery, document: DocumentWords): boolean {
  const matched = query.terms.map((term) => term.phrases.some((phrase) => document.has(phrase)));
  return query.clauses.some((clause) => clause.every((t) => matched[t]));
}
