import { ValidationError } from '../domain/errors.js';
import type { Metrics } from '../ports/metrics.js';
import type { SearchIndex, SearchQuery, SearchResult, Suggestion } from '../ports/search-index.js';
import { readDerived } from './derived.js';

export interface SearchDeps {
  searchIndex: SearchIndex;
  metrics: Metrics;
}

export const SEARCH_LIMITS = { queryMax: 200, suggestMax: 10 } as const;

export function searchUseCases({ searchIndex, metrics }: SearchDeps) {
  return {
    async search(query: SearchQuery): Promise<SearchResult> {
      if (query.q.length > SEARCH_LIMITS.queryMax) {
        throw new ValidationError({ field: 'q', detail: `must be at most ${SEARCH_LIMITS.queryMax} characters` });
      }
      if (query.minPrice !== undefined && query.maxPrice !== undefined && query.minPrice > query.maxPrice) {
        throw new ValidationError({ field: 'minPrice', detail: 'must not be greater than maxPrice' });
      }
      const started = performance.now();
      const result = await readDerived('search', () => searchIndex.search(query));
      metrics.searchAnswered(performance.now() - started);
      return result;
    },

    async suggest(prefix: string, limit: number = SEARCH_LIMITS.suggestMax): Promise<Suggestion[]> {
      if (prefix.trim() === '') return [];
      return readDerived('search', () => searchIndex.suggest(prefix, Math.min(limit, SEARCH_LIMITS.suggestMax)));
    },
  };
}
