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

/** Any term may match: the relaxed query, whose books rank by how much of it they match. */
export function anyTermExpression(terms: readonly TermPlan[]): string | null {
  if (terms.length === 0) return null;
  return terms.map(termExpression).join(' OR ');
}

export interface FtsQuery {
  /** Matches every required term (or an alternative), or any of them once relaxed; null for an empty query. */
  match: string | null;
  /** Without alternatives, to rank exact matches first; null when the plan does not rank so. */
  exact: string | null;
  /** The query was relaxed: books matching only some of its terms count. */
  relaxed: boolean;
}

export function ftsQuery(plan: QueryPlan, relaxed = false): FtsQuery {
  const required = requiredTerms(plan);
  if (relaxed) return { match: anyTermExpression(required), exact: null, relaxed };
  return {
    match: matchExpression(required),
    exact: plan.rankExactFirst ? matchExpression(requiredTerms({ ...plan, terms: exactTerms(plan) })) : null,
    relaxed,
  };
}
