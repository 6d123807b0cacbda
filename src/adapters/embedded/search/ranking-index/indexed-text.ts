import type { SearchDocument } from '../../../../ports/search-index.js';
import { RANKED_COLUMNS } from '../../../search-text/ranking.js';
import { terms } from '../../../search-text/tokens.js';

/** A document as bm25 sees it: its distinct terms with their column-weighted frequencies, and its length. */
export interface IndexedText {
  terms: string[];
  /** Per term, the sum over its occurrences of the column's weight (FTS5 bm25's `aFreq`). */
  weights: number[];
  /** Terms in all columns (FTS5's `xColumnSize(-1)`). */
  length: number;
}

type Columns = Pick<SearchDocument, 'title' | 'authors' | 'category' | 'description'>;

/** The same text per column as ranking.ts's columnTerms gives FTS5, without joining and splitting it again. */
const COLUMN_TEXT: Record<(typeof RANKED_COLUMNS)[number]['name'], (doc: Columns) => string> = {
  title: (doc) => doc.title,
  authors: (doc) => doc.authors.join(' '),
  category: (doc) => doc.category,
  description: (doc) => doc.description,
};

export function indexedText(doc: Columns): IndexedText {
  const weightOf = new Map<string, number>();
  let length = 0;
  for (const { name, weight } of RANKED_COLUMNS) {
    const columnTerms = terms(COLUMN_TEXT[name](doc));
    for (const term of columnTerms) weightOf.set(term, (weightOf.get(term) ?? 0) + weight);
    length += columnTerms.length;
  }
  return { terms: [...weightOf.keys()], weights: [...weightOf.values()], length };
}

/** A document's terms per ranked column, in RANKED_COLUMNS order: the positions FTS5's phrases see. */
export function columnWords(doc: Columns): string[][] {
  return RANKED_COLUMNS.map(({ name }) => terms(COLUMN_TEXT[name](doc)));
}
