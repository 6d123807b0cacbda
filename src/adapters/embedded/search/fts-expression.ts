/** FTS5 MATCH expressions for a query plan. */
import { exactTerms, requiredTerms, type QueryPlan, type TermPlan } from '../../search-text/query-plan.js';

/** An FTS5 string literal; terms hold only letters and digits, the doubling is defence in depth. */
export function ftsString(term: string): string {
  return `"${term.replaceAll('"', '""')}"`;
}

function termExpression(t: TermPlan): string {
  const parts = [
    t.prefix ? `${ftsString(t.term)}*` : ftsString(t.term),
    ...t.alternatives.map(ftsString),
    // A string of two words is an FTS5 phrase: the words next to each other, in order.
    ...t.splits.map((words) => ftsString(words.join(' '))),
  ];
  return parts.length === 1 ? parts[0]! : `(${parts.join(' OR ')})`;
}

/** Every term must match: an AND of per-term ORs, optionally restricted to one column. */
export function matchExpression(terms: readonly TermPlan[], column?: string): string | null {
  if (terms.length === 0) return null;
  const expression = terms.map(termExpression).join(' AND ');
  return column ? `${column} : (${expression})` : expression;
}

/** More alternatives than this and a relaxed query accepts books matching any one term. */
const MAX_RELAXED_CLAUSES = 16;

function combinations<T>(items: readonly T[], size: number): T[][] {
  if (size === 0) return [[]];
  if (items.length < size) return [];
  const [first, ...rest] = items;
  return [...combinations(rest, size - 1).map((c) => [first!, ...c]), ...combinations(rest, size)];
}

/**
 * Books matching at least `keep` of the terms: the relaxed query, whose books rank by how much of it
 * they match. An OR of ANDs keeps the candidates (and the bm25 work) to books that match much of
 * the query, instead of every book that matches any one word of it.
 */
export function relaxedExpression(terms: readonly TermPlan[], keep: number): string | null {
  if (terms.length === 0 || keep < 1) return null;
  const clauses = relaxedClauses(terms, keep);
  if (clauses.every((c) => c.length === 1)) return terms.map(termExpression).join(' OR ');
  return clauses.map((c) => `(${c.map(termExpression).join(' AND ')})`).join(' OR ');
}

/**
 * The relaxed query as an OR of clauses, each an AND of terms, in the order the expression writes
 * them: shared with the in-memory ranking, which must sum bm25 over the same phrases in the same order.
 */
export function relaxedClauses(terms: readonly TermPlan[], keep: number): TermPlan[][] {
  const clauses = combinations(terms, Math.min(keep, terms.length));
  if (keep <= 1 || clauses.length > MAX_RELAXED_CLAUSES) return terms.map((t) => [t]);
  return clauses;
}

export interface FtsQuery {
  /** Matches every required term (or an alternative), or any of them once relaxed; null for an empty query. */
  match: string | null;
  /** Without alternatives, to rank exact matches first; null when the plan does not rank so. */
  exact: string | null;
  /** The query was relaxed: books matching only some of its terms count. */
  relaxed: boolean;
}

/** `keep`: relax to books matching at least this many of the required terms. */
export function ftsQuery(plan: QueryPlan, keep?: number): FtsQuery {
  const required = requiredTerms(plan);
  if (keep !== undefined && keep < required.length) return { match: relaxedExpression(required, keep), exact: null, relaxed: true };
  const relaxed = false;
  return {
    match: matchExpression(required),
    exact: plan.rankExactFirst ? matchExpression(requiredTerms({ ...plan, terms: exactTerms(plan) })) : null,
    relaxed,
  };
}
