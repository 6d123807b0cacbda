/** FTS5 MATCH expressions for a query plan. */
import { exactTerms, type QueryPlan, type TermPlan } from '../../search-text/query-plan.js';

/** An FTS5 string literal; terms hold only letters and digits, the doubling is defence in depth. */
export function ftsString(term: string): string {
  return `"${term.replaceAll('"', '""')}"`;
}

function termExpression(t: TermPlan): string {
  const parts = [t.prefix ? `${ftsString(t.term)}*` : ftsString(t.term), ...t.alternatives.map(ftsString)];
  return parts.length === 1 ? parts[0]! : `(${parts.join(' OR ')})`;
}

/** Every term must match: an AND of per-term ORs, optionally restricted to one column. */
export function matchExpression(terms: readonly TermPlan[], column?: string): string | null {
  if (terms.length === 0) return null;
  const expression = terms.map(termExpression).join(' AND ');
  return column ? `${column} : (${expression})` : expression;
}

export interface FtsQuery {
  /** Matches every term (or an alternative); null for an empty query. */
  match: string | null;
  /** Without alternatives, to rank exact matches first; null when the plan does not rank so. */
  exact: string | null;
}

export function ftsQuery(plan: QueryPlan): FtsQuery {
  return { match: matchExpression(plan.terms), exact: plan.rankExactFirst ? matchExpression(exactTerms(plan)) : null };
}
