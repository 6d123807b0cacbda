import type { Highlights, SearchDocument } from '../../ports/search-index.js';
import { highlight, snippet, wholeWords } from './highlight.js';
import { termMatch, type QueryPlan } from './query-plan.js';
import { words, type Word } from './tokens.js';

type HighlightedBook = Pick<SearchDocument, 'title' | 'authors' | 'description'>;

/** A book's words per highlighted field, for an index that keeps them with the book. */
export interface HighlightSpans {
  readonly title: readonly Word[];
  readonly authors: readonly Word[];
  readonly description: readonly Word[];
}

/** The authors as one highlighted text. */
export function authorsText(book: Pick<SearchDocument, 'authors'>): string {
  return book.authors.join(', ');
}

export function highlightSpans(book: HighlightedBook): HighlightSpans {
  return { title: words(book.title), authors: words(authorsText(book)), description: words(book.description) };
}

/**
 * Highlights for the hits of one query: every word the plan accepts marked whole, the description
 * cut to a snippet around them. Whether a term matches is decided once per query, not per occurrence.
 */
export function hitHighlighter(plan: QueryPlan): (book: HighlightedBook, spans?: HighlightSpans) => Highlights {
  const matches = new Map<string, boolean>();
  const mark = wholeWords((term) => {
    let match = matches.get(term);
    if (match === undefined) matches.set(term, (match = termMatch(plan, term) !== null));
    return match;
  });
  return (book, spans = highlightSpans(book)) => ({
    title: highlight(book.title, mark, spans.title),
    authors: highlight(authorsText(book), mark, spans.authors),
    description: snippet(book.description, mark, 20, spans.description),
  });
}
