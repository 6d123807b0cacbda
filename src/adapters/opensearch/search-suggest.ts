/**
 * Search-as-you-type for the OpenSearch search index: one request fetches the best-rated books whose
 * title or an author contains every planned term (the last through the prefix subfields), those whose
 * title or author starts with the typed text first; the suggestions are then picked, ordered and
 * marked by the shared rules (search-text/suggestions.ts).
 */
import type { Suggestion } from '../../ports/search-index.js';
import type { QueryPlan } from '../search-text/query-plan.js';
import { candidateOf, pickSuggestions, type SuggestionCandidate } from '../search-text/suggestions.js';
import { terms } from '../search-text/tokens.js';
import { columnMatch, leadingMatch, NOT_DELETED } from './search-query.js';

/** Books looked at; more only adds rarely shown tail entries. */
const CANDIDATES = 50;
/** Typed text longer than any title or author name cannot lead one. */
const MAX_LEADING = 300;

export interface SuggestSource {
  id: string;
  title: string;
  authors: string[];
  rating: number;
  coverUrl: string | null;
}

export function suggestRequest(plan: QueryPlan, typed: string): Record<string, unknown> {
  const lastIsPrefix = plan.terms.at(-1)?.prefix ?? false;
  const leading = typed.length > MAX_LEADING ? [] : ['title', 'authors'].map((f) => ({ constant_score: { filter: leadingMatch(f, typed, lastIsPrefix) } }));
  return {
    size: CANDIDATES,
    _source: ['id', 'title', 'authors', 'rating', 'coverUrl'],
    query: {
      bool: {
        filter: [NOT_DELETED, { bool: { should: [columnMatch(plan.terms, 'title'), columnMatch(plan.terms, 'authors')], minimum_should_match: 1 } }],
        should: leading,
      },
    },
    sort: [{ _score: 'desc' }, { rating: 'desc' }, { id: 'asc' }],
  };
}

/** Titles and authors of the fetched books, then words of those books completing the last term. */
export function suggestionsOf(plan: QueryPlan, prefix: string, books: readonly SuggestSource[], limit: number): Suggestion[] {
  const typed = terms(prefix).join(' ');
  const candidates: SuggestionCandidate[] = [];
  for (const book of books) {
    for (const c of [candidateOf(plan, typed, book.title, book.rating, book.id, { authors: book.authors, coverUrl: book.coverUrl ?? null }), ...book.authors.map((a) => candidateOf(plan, typed, a, book.rating))]) {
      if (c) candidates.push(c);
    }
  }
  return pickSuggestions(plan, prefix, candidates, (term) => completions(term, books), limit);
}

/** Words starting with `prefix` in the fetched books' titles and authors, the most frequent first. */
function completions(prefix: string, books: readonly SuggestSource[]): string[] {
  const counts = new Map<string, number>();
  for (const book of books) {
    for (const word of new Set(terms([book.title, ...book.authors].join(' ')))) {
      if (word.startsWith(prefix)) counts.set(word, (counts.get(word) ?? 0) + 1);
    }
  }
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([word]) => word);
}
