import type { Highlights, SearchDocument } from '../../ports/search-index.js';
import { highlight, snippet, wholeWords } from './highlight.js';
import { termMatch, type QueryPlan } from './query-plan.js';

/** A hit's highlights: every word the plan accepts marked whole, the description cut to a snippet around them. */
export function hitHighlights(book: Pick<SearchDocument, 'title' | 'authors' | 'description'>, plan: QueryPlan): Highlights {
  const mark = wholeWords((term) => termMatch(plan, term) !== null);
  return {
    title: highlight(book.title, mark),
    authors: highlight(book.authors.join(', '), mark),
    description: snippet(book.description, mark),
  };
}
