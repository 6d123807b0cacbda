import { ValidationError } from '../domain/errors.js';
import { TEXT, textIssue } from '../domain/text.js';
import type { Catalog } from '../ports/catalog.js';
import type { Metrics } from '../ports/metrics.js';
import type { SearchDocument, SearchHit, SearchIndex, SearchQuery, SearchResult, Suggestion } from '../ports/search-index.js';
import { readDerived } from './derived.js';

export interface SearchDeps {
  searchIndex: SearchIndex;
  metrics: Metrics;
  /** Where hits read their stock; without it hits carry none (the relevance suite needs no catalog). */
  catalog?: Pick<Catalog, 'stockOf'>;
}

/** A hit's book with the copies on hand as the catalog has them now (null: not counted). */
export type StockedSearchResult = Omit<SearchResult, 'hits'> & { hits: Array<Omit<SearchHit, 'book'> & { book: SearchDocument & { stock?: number | null } }> };

export const SEARCH_LIMITS = { queryMax: 200, suggestMax: 10 } as const;
/** Search text may be empty; whatever query syntax it holds is the adapters' to neutralize. */
export const SEARCH_TEXT = TEXT.optionalLine(SEARCH_LIMITS.queryMax);

export function searchUseCases({ searchIndex, metrics, catalog }: SearchDeps) {
  /** Stock changes with every sale, so the index never holds it: one batch read of the page's books adds it. */
  async function withStock(result: SearchResult): Promise<StockedSearchResult> {
    if (!catalog || result.hits.length === 0) return result;
    const stock = await catalog.stockOf(result.hits.map((h) => h.book.id));
    // A hit the catalog no longer has (deleted, the index not caught up yet) says nothing of stock.
    return { ...result, hits: result.hits.map((h) => (stock.has(h.book.id) ? { ...h, book: { ...h.book, stock: stock.get(h.book.id)! } } : h)) };
  }

  return {
    async search(query: SearchQuery): Promise<StockedSearchResult> {
      const qIssue = textIssue(query.q, SEARCH_TEXT);
      if (qIssue) throw new ValidationError({ field: 'q', detail: qIssue });
      if (query.minPrice !== undefined && query.maxPrice !== undefined && query.minPrice > query.maxPrice) {
        throw new ValidationError({ field: 'minPrice', detail: 'must not be greater than maxPrice' });
      }
      const started = performance.now();
      const result = await readDerived('search', () => searchIndex.search(query));
      metrics.searchAnswered(performance.now() - started);
      return withStock(result);
    },

    async suggest(prefix: string, limit: number = SEARCH_LIMITS.suggestMax): Promise<Suggestion[]> {
      const qIssue = textIssue(prefix, SEARCH_TEXT);
      if (qIssue) throw new ValidationError({ field: 'q', detail: qIssue });
      if (prefix.trim() === '') return [];
      return readDerived('search', () => searchIndex.suggest(prefix, Math.min(limit, SEARCH_LIMITS.suggestMax)));
    },
  };
}
