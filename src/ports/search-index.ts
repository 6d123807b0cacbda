import type { Book } from '../domain/book.js';

/** What the search index keeps of a book: the catalog fields plus its version for ordering writes. */
/** Stock is not searched: it changes with every sale, so results read it from the catalog. */
export type SearchDocument = Omit<Book, 'createdAt' | 'updatedAt' | 'stock'>;

export type SearchSort = 'relevance' | 'price_asc' | 'price_desc' | 'rating' | 'newest';

export interface SearchQuery {
  /** Free text from the user; never query syntax. Empty matches every book. */
  q: string;
  category?: string | undefined;
  /** Inclusive bounds, minor units. */
  minPrice?: number | undefined;
  maxPrice?: number | undefined;
  minRating?: number | undefined;
  sort: SearchSort;
  /**
   * False searches the words exactly as typed: no typo corrections and no relaxing to some of the
   * words (the storefront's "search instead for …"). Default true.
   */
  autocorrect?: boolean | undefined;
  cursor?: string | undefined;
  /**
   * 1-based page number, for pagers that jump to a page: the hits from (page - 1) * limit on.
   * Never with `cursor`; at most SEARCH_MAX_PAGE, so no page reaches past the result window.
   */
  page?: number | undefined;
  limit: number;
}

/**
 * Deepest page number a search answers. With the largest page size (50) the last hit it can reach
 * stays within the result window every index has (10,000, OpenSearch's `max_result_window`).
 */
export const SEARCH_MAX_PAGE = 100;

/** HTML-safe fragments: the text is escaped and each match is wrapped in `<mark>…</mark>`. */
export interface Highlights {
  title?: string;
  authors?: string;
  description?: string;
}

export interface SearchHit {
  book: SearchDocument;
  /** The index's text score (bm25). Hits come in relevance order, which weighs more than this score. */
  score: number;
  highlights: Highlights;
}

export interface FacetCount {
  value: string;
  count: number;
}

export interface PriceRangeCount {
  /** Stable key such as `10-20` (major units) or `50+`. */
  key: string;
  /** Inclusive lower bound, minor units; absent for the first range. */
  from?: number;
  /** Exclusive upper bound, minor units; absent for the last range. */
  to?: number;
  count: number;
}

export interface SearchResult {
  hits: SearchHit[];
  /** Number of matching books (capped by the index's result window if it has one). */
  total: number;
  /**
   * Disjunctive facets: category counts apply every filter except category; price ranges apply
   * every filter except price; both respect the text query and the rating filter.
   */
  facets: { categories: FacetCount[]; priceRanges: PriceRangeCount[] };
  nextCursor: string | null;
  /**
   * Set when the query searched is not the one typed: typos corrected (`harry potter` for
   * `hary poter`) or words dropped to find anything at all.
   */
  correctedQuery?: string;
}

export interface Suggestion {
  /** What to show and put in the search box. */
  text: string;
  /** HTML-safe `text` with the typed prefix wrapped in `<mark>`. */
  highlighted: string;
  /** Set when the suggestion is one book's title. */
  bookId?: string;
  /** The book's authors, when the suggestion is one book's title. */
  authors?: string[];
  /** The book's cover image, when the suggestion is one book's title and it has one. */
  coverUrl?: string;
}

/** Price ranges every adapter reports, minor units (upper bound exclusive). */
export const PRICE_RANGES: ReadonlyArray<{ key: string; from?: number; to?: number }> = [
  { key: '0-10', to: 1000 },
  { key: '10-20', from: 1000, to: 2000 },
  { key: '20-30', from: 2000, to: 3000 },
  { key: '30-50', from: 3000, to: 5000 },
  { key: '50+', from: 5000 },
];

/**
 * Full-text search over the catalog, fed only by the change feed. Writes are ordered by document
 * version: a write older than what the index holds (including a deletion) is ignored, so redelivered
 * and out-of-order events never regress a document.
 */
export interface SearchIndex {
  /** Stores documents whose version is newer than the stored one (or its tombstone). */
  upsert(docs: readonly SearchDocument[]): Promise<void>;
  /** Deletes documents, remembering `version` so an older upsert cannot bring them back. */
  remove(items: ReadonlyArray<{ id: string; version: number }>): Promise<void>;
  /** Ranked, filtered, faceted, typo-tolerant search. ValidationError on a bad cursor. */
  search(query: SearchQuery): Promise<SearchResult>;
  /** Search-as-you-type completions for a prefix (titles, authors, words), best first. */
  suggest(prefix: string, limit: number): Promise<Suggestion[]>;
  /** Number of documents (not tombstones) in the index. */
  count(): Promise<number>;
  /** The id and version of every document (not tombstone) in the index: what an audit compares with the catalog. */
  versions(): Promise<Map<string, number>>;
  /**
   * Stores documents whatever the index holds of them (a newer version, or a tombstone): for a repair
   * the system of record vouches for. Everyday writes go through `upsert`, which never regresses.
   */
  overwrite(docs: readonly SearchDocument[]): Promise<void>;
  /**
   * Builds a fresh index from `load`, which writes every document through `write`, then swaps it in
   * atomically; searches keep being answered from the old index until the swap.
   */
  rebuild(load: (write: (docs: readonly SearchDocument[]) => Promise<void>) => Promise<void>): Promise<void>;
  close(): Promise<void>;
}
