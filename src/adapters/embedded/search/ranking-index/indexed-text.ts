import type { SearchDocument } from '../../../../ports/search-index.js';
import { columnTerms, RANKED_COLUMNS } from '../../../search-text/ranking.js';

/** A document as bm25 sees it: its distinct terms with their column-weighted frequencies, and its length. */
export interface IndexedText {
  terms: string[];
  /** Per term, the sum over its occurrences of the column's weight (FTS5 bm25's `aFreq`). */
  weights: number[];
  /** Terms in all columns (FTS5's `xColumnSize(-1)`). */
  length: number;
}

export function indexedText(doc: Pick<SearchDocument, 'title' | 'authors' | 'category' | 'description'>): IndexedText {
  const columns = columnTerms(doc);
  const weightOf = new Map<string, number>();
  let length = 0;
  for (const { name, weight } of RANKED_COLUMNS) {
    const text = columns[name];
    if (text === '') continue;
    for (const term of text.split(' ')) {
      weightOf.set(term, (weightOf.get(term) ?? 0) + weight);
      length++;
    }
  }
  return { terms: [...weightOf.keys()], weights: [...weightOf.values()], length };
}
