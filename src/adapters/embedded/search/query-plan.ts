import type { ParsedQuery } from './query-text.js';
import { ftsString } from './query-text.js';
import { isCorrectable } from './typo-candidates.js';
import type { Vocabulary } from './vocabulary.js';

/** A term this rare is checked for a much more common near-spelling (`hary` next to `harry`). */
const RARE_DF = 3;
/** How much more common the near-spelling must be to be searched as well. */
const RARE_RATIO = 10;
/** Keeps the expression small when a short term has many neighbours. */
const MAX_ALTERNATIVES = 4;

export interface TermPlan {
  term: string;
  /** Also matches terms starting with `term` (the word being typed). */
  prefix: boolean;
  /** Vocabulary terms within a typo of `term`, closest first, also accepted. */
  alternatives: string[];
  /** `term` itself (or as a prefix) occurs in the index. */
  found: boolean;
}

export interface QueryPlan {
  terms: TermPlan[];
  /** FTS5 expression matching every term (or an alternative); null for an empty query. */
  match: string | null;
  /** Expression without alternatives, to rank exact matches first; null when no term was expanded or it cannot match. */
  exactMatch: string | null;
  /** The query with each expanded term replaced by its best alternative. */
  correctedQuery: string | null;
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

function planTerm(term: string, prefix: boolean, vocabulary: Vocabulary): TermPlan {
  if (prefix) {
    const found = vocabulary.hasPrefix(term);
    const alternatives = found || !isCorrectable(term) ? [] : vocabulary.neighbours(term).map((n) => n.term);
    return { term, prefix, found, alternatives: alternatives.slice(0, MAX_ALTERNATIVES) };
  }
  const df = vocabulary.df(term);
  if (df > RARE_DF || !isCorrectable(term)) return { term, prefix, found: df > 0, alternatives: [] };
  const alternatives = vocabulary
    .neighbours(term)
    .filter((n) => df === 0 || n.df >= RARE_RATIO * df)
    .map((n) => n.term);
  return { term, prefix, found: df > 0, alternatives: alternatives.slice(0, MAX_ALTERNATIVES) };
}

/** Decides, per query term, what the index should accept for it: the term, a prefix, typo alternatives. */
export function planQuery(parsed: ParsedQuery, vocabulary: Vocabulary): QueryPlan {
  const terms = parsed.terms.map((term, i) => planTerm(term, parsed.lastIsPrefix && i === parsed.terms.length - 1, vocabulary));
  const expanded = terms.some((t) => t.alternatives.length > 0);
  const exactTerms = terms.map((t) => ({ ...t, alternatives: [] }));
  return {
    terms,
    match: matchExpression(terms),
    exactMatch: expanded && terms.every((t) => t.found) ? matchExpression(exactTerms) : null,
    correctedQuery: expanded ? terms.map((t) => t.alternatives[0] ?? t.term).join(' ') : null,
  };
}

/** How a folded term of a document relates to the plan: matched whole, matched as a typed prefix, or not. */
export function termMatch(plan: QueryPlan, term: string): 'whole' | 'prefix' | null {
  for (const t of plan.terms) {
    if (t.term === term || t.alternatives.includes(term)) return 'whole';
    if (t.prefix && term.startsWith(t.term)) return 'prefix';
  }
  return null;
}
