import { ValidationError } from '../domain/errors.js';
import type { SearchIndex, SearchQuery, SearchResult, Suggestion } from '../ports/search-index.js';
import { readDerived } from './derived.js';

export interface SearchDeps {
  searchIndex: SearchIndex;
}

export const SEARCH_LIMITS = { queryMax: 200, suggestMax: 10 } as const;

export function searchUseCases({ searchIndex }: SearchDeps) {
  return {
    async search(query: SearchQuery): Promise<SearchResult> {
      if (query.q.length > SEARCH_LIMITS.queryMax) {
        throw new ValidationError({ field: 'q', detail: `must be at most ${SEARCH_LIMITS.queryMax} characters` });
      }
      if (query.minPrice !== undefined && query.maxPrice !== undefined && query.minPrice > query.maxPrice) {
        throw new ValidationError({ field: 'minPrice', detail: 'must not be greater than maxPrice' });
      }
      return readDerived('search', () => searchIndex.search(query));
    },

    async suggest(prefix: string, limit: number = SEARCH_LIMITS.suggestMax): Promise<Suggestion[]> {
      if (prefix.trim() === '') return [];
      return readDerived('search', () => searchIndex.suggest(prefix, Math.min(limit, SEARCH_LIMITS.suggestMax)));
    },
  };
}
