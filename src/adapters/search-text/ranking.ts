/**
 * Relevance as both indexes compute it: SQLite FTS5's `bm25()` over four weighted columns. The
 * embedded index asks SQLite for it; the OpenSearch index evaluates the same formula in scripts,
 * from the same column texts and the same document statistics, so both rank books alike.
 */
import type { SearchDocument } from '../../ports/search-index.js';
import { terms } from './tokens.js';

/** The searchable columns in index order, with the weight of a term occurring in each (title first). */
export const RANKED_COLUMNS = [
  { name: 'title', weight: 10 },
  { name: 'authors', weight: 5 },
  { name: 'category', weight: 3 },
  { name: 'description', weight: 1 },
] as const;

export type RankedColumn = (typeof RANKED_COLUMNS)[number]['name'];

/** FTS5's bm25 parameters (term-frequency saturation and length normalisation). */
export const BM25_K1 = 1.2;
export const BM25_B = 0.75;

/**
 * Each column's terms joined by single spaces, in RANKED_COLUMNS order: what both indexes
 * index, so their vocabularies and term counts are exactly the tokenizer's.
 */
export function columnTerms(doc: Pick<SearchDocument, 'title' | 'authors' | 'category' | 'description'>): Record<RankedColumn, string> {
  return {
    title: terms(doc.title).join(' '),
    authors: terms(doc.authors.join(' ')).join(' '),
    category: terms(doc.category).join(' '),
    description: terms(doc.description).join(' '),
  };
}

/** Number of terms in all columns: the document length bm25 normalises by. */
export function termCount(columns: Record<RankedColumn, string>): number {
  let count = 0;
  for (const { name } of RANKED_COLUMNS) if (columns[name] !== '') count += columns[name].split(' ').length;
  return count;
}

/**
 * FTS5's inverse document frequency of a query phrase (a term, a prefix) found in `hits` of `rows`
 * documents, floored at a tiny positive value as FTS5 does so that a very common term still counts.
 */
export function bm25Idf(rows: number, hits: number): number {
  const idf = Math.log((rows - hits + 0.5) / (hits + 0.5));
  return idf <= 0 ? 1e-6 : idf;
}
