import { ValidationError } from '../domain/errors.js';
import { TEXT, textIssue } from '../domain/text.js';
import type { Catalog } from '../ports/catalog.js';
import type { Metrics } from '../ports/metrics.js';
import type { SearchHit, SearchIndex, SearchQuery, SearchResult, Suggestion } from '../ports/search-index.js';
import { readDerived } from './derived.js';

export interface SearchDeps {
  searchIndex: SearchIndex;
  metrics: Metrics;
  /** Where hits read their stock; without it hits carry none (the relevance suite needs no catalog). */
  catalog?: Pick<Catalog, 'stockOf'>;
}

/**
 * A hit with its book's copies on hand as the catalog has them now (null: not counted); no `stock` when
 * the catalog no longer has the book (deleted, the index not caught up yet). Beside the book, not in
 * it: the index's book objects are shared (cached), and a copy of each per search costs more than this.
 */
export type StockedSearchHit = SearchHit & { stock?: number | null };
export type StockedSearchResult = Omit<SearchResult, 'hits'> & { hits: StockedSearchHit[] };

export const SEARCH_LIMITS = { queryMax: 200, suggestMax: 10 } as const;
/** Search text may be empty; whatever query syntax it holds is the adapters' to neutralize. */
export const SEARCH_TEXT = TEXT.optionalLine(SEARCH_LIMITS.queryMax);

export function searchUseCases({ searchIndex, metrics, catalog }: SearchDeps) {
  /** Stock changes with every sale, so the index never holds it: one batch read of the page's books adds it. */
  async function withStock(result: SearchResult): Promise<StockedSearchResult> {
    if (!catalog || result.hits.length === 0) return result;
    const stock = await catalog.stockOf(result.hits.map((h) => h.book.id));
    const hits = result.hits.map((h): StockedSearchHit => {
      const copies = stock.get(h.book.id);
      return copies === undefined ? h : { ...h, stock: copies };
    });
    return { ...result, hits };
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
