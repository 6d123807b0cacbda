import type { SearchResult } from '../../../ports/search-index.js';
import type { AttributeListener } from './attribute-store.js';
import { DocumentWords, matchesDocument, type RankedQuery } from './ranking-index/ranked-query.js';
import { ResultCache } from './result-cache.js';

/** What an answer depends on, besides the text of the catalog (any text write drops every answer). */
export interface AnswerScope {
  /** The text query whose matches the answer counted and ranked; null: every book (browsing), or a ranker without one (FTS5). */
  query: RankedQuery | null;
  /** Books whose fields the answer shows or was ordered by: its hits and the window the relevance rules reranked. */
  shown: readonly number[];
  /**
   * Relevance order and no filter: the fields of a book it matches but does not show decide nothing
   * but which price range it is counted in, so a price change moves one count instead of dropping it.
   */
  adjustable: boolean;
}

interface Answer {
  result: SearchResult;
  scope: AnswerScope;
}

/**
 * Attribute-only writes a refresh follows one by one; past this many (a bulk repricing, a seed's
 * stock) every answer is dropped instead: each write costs a read of the book's text.
 */
const MAX_FOLLOWED_WRITES = 64;

/**
 * The search answers of the embedded index, kept across the writes that cannot change them. Most
 * writes of a live store leave a book's text alone (a sale moves its stock, an admin its price, a
 * review its rating), and such a write changes an answer only when the book is among its matches:
 * the answer is then dropped, or, when the book only moved from one price range to another of an
 * unfiltered relevance search that does not show it, its two counts are moved. Any write to the text
 * drops every answer: it changes bm25's statistics, and so any order. Dropping answers that a write
 * made wrong rather than a whole cache at every write keeps the popular searches, which are the
 * broad and expensive ones, cached while the catalog is being sold from.
 *
 * Kept in step by the AttributeStore it listens to, inside the refresh of each read transaction, so
 * an answer handed out is always that of the snapshot the caller reads.
 */
export class SearchAnswers implements AttributeListener {
  private readonly cache: ResultCache<Answer>;
  /** The seq of the last refresh: a write whose text seq is later changed the text. */
  private seq: number | null = null;
  private followed = 0;

  constructor(
    entries: number,
    bytes: number,
    sizeOf: (result: SearchResult) => number,
    /** The terms per ranked column of a live document, read from its stored text. */
    private readonly wordsOf: (key: number) => readonly (readonly string[])[] | undefined,
    /** The PRICE_RANGES index a live document is counted in now. */
    private readonly priceRangeOf: (key: number) => number,
  ) {
    this.cache = new ResultCache<Answer>(entries, bytes, (answer) => sizeOf(answer.result));
  }

  get size(): number {
    return this.cache.size;
  }

  get(key: string): SearchResult | undefined {
    return this.cache.get('', key)?.result;
  }

  /** Keeps `result` (frozen) for the state of the last refresh. */
  set(key: string, result: SearchResult, scope: AnswerScope): void {
    this.cache.set('', key, { result, scope });
  }

  reloaded(): void {
    this.cache.clear();
  }

  written(key: number, textSeq: number, previousPriceRange: number | null): void {
    if (this.cache.size === 0) return;
    if (this.seq === null || textSeq > this.seq || previousPriceRange === null || ++this.followed > MAX_FOLLOWED_WRITES) {
      this.cache.clear();
      return;
    }
    const columns = this.wordsOf(key);
    if (columns === undefined) {
      this.cache.clear();
      return;
    }
    const words = new DocumentWords(columns);
    const range = this.priceRangeOf(key);
    this.cache.forEach((answer, cacheKey) => {
      const { query, shown, adjustable } = answer.scope;
      if (query !== null && !matchesDocument(query, words)) return;
      if (query === null || !adjustable || shown.includes(key)) this.cache.delete(cacheKey);
      else if (range !== previousPriceRange) this.cache.replace(cacheKey, { ...answer, result: movePriceCount(answer.result, previousPriceRange, range) });
    });
  }

  removed(): void {
    this.cache.clear();
  }

  refreshed(_generation: number, seq: number): void {
    this.seq = seq;
    this.followed = 0;
  }
}

/** `result` with one book counted in price range `to` instead of `from`. */
function movePriceCount(result: SearchResult, from: number, to: number): SearchResult {
  const priceRanges = result.facets.priceRanges.map((r, i) => (i === from ? { ...r, count: r.count - 1 } : i === to ? { ...r, count: r.count + 1 } : r));
  return { ...result, facets: { ...result.facets, priceRanges } };
}
