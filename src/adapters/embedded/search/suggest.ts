import type { Suggestion } from '../../../ports/search-index.js';
import { planQuery } from '../../search-text/query-plan.js';
import { parseQuery } from '../../search-text/query-text.js';
import { candidateOf, pickSuggestions, type SuggestionCandidate } from '../../search-text/suggestions.js';
import { terms } from '../../search-text/tokens.js';
import type { BestRatedMatches } from './best-rated-matches.js';
import { allTermsIn, leadingPhrase, type ColumnMatch } from './column-match.js';
import type { SuggestBook, SuggestBooks } from './suggest-books.js';
import type { Vocabulary } from './vocabulary.js';

/** Books looked at per kind of suggestion; more only adds rarely shown tail entries. */
const CANDIDATES = 50;

/**
 * Completions for a search box: book titles and author names containing every typed term (the last
 * one as a prefix, typos corrected as in search), those starting with the typed text first, then by
 * rating; then vocabulary words completing the last term.
 */
export class Suggester {
  constructor(
    private readonly vocabulary: Vocabulary,
    private readonly bestRated: BestRatedMatches,
    private readonly books: SuggestBooks,
  ) {}

  /** Call inside a read transaction with the attribute store refreshed. */
  suggest(prefix: string, limit: number): Suggestion[] {
    const parsed = parseQuery(prefix);
    if (parsed.terms.length === 0) return [];
    const plan = planQuery(parsed, this.vocabulary);
    const typed = terms(prefix).join(' ');
    const candidates: SuggestionCandidate[] = [];
    const add = (candidate: SuggestionCandidate | null) => {
      if (candidate) candidates.push(candidate);
    };

    const leadingTitle = leadingPhrase('title', terms(prefix), parsed.lastIsPrefix);
    for (const book of this.bestBooks(leadingTitle, allTermsIn('title', plan.terms))) {
      add(candidateOf(plan, typed, book.title, book.rating, book.id, { authors: book.authorNames, coverUrl: book.coverUrl }));
    }
    for (const book of this.bestBooks(allTermsIn('authors', plan.terms))) {
      for (const author of book.authors) add(candidateOf(plan, typed, author, book.rating));
    }
    return pickSuggestions(plan, prefix, candidates, (term, max) => this.vocabulary.completions(term, max), limit);
  }

  /** The best-rated books matching any of the expressions, in key order. */
  private bestBooks(...queries: Array<ColumnMatch | null>): SuggestBook[] {
    const keys = new Set<number>();
    for (const query of queries) {
      if (query === null) continue;
      for (const key of this.bestRated.get(query, CANDIDATES)) keys.add(key);
    }
    if (keys.size === 0) return [];
    return this.books.get([...keys]);
  }
}
