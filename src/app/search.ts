import { ValidationError } from '../domain/errors.js';
import { TEXT, textIssue } from '../domain/text.js';
import type { Metrics } from '../ports/metrics.js';
import type { SearchIndex, SearchQuery, SearchResult, Suggestion } from '../ports/search-index.js';
import { readDerived } from './derived.js';

export interface SearchDeps {
  searchIndex: SearchIndex;
  metrics: Metrics;
}

export const SEARCH_LIMITS = { queryMax: 200, suggestMax: 10 } as const;
/** Search text may be empty; whatever query syntax it holds is the adapters' to neutralize. */
export const SEARCH_TEXT = TEXT.optionalLine(SEARCH_LIMITS.queryMax);

export function searchUseCases({ searchIndex, metrics }: SearchDeps) {
  return {
    async search(query: SearchQuery): Promise<SearchResult> {
      const qIssue = textIssue(query.q, SEARCH_TEXT);
      if (qIssue) throw new ValidationError({ field: 'q', detail: qIssue });
      if (query.minPrice !== undefined && query.maxPrice !== undefined && query.minPrice > query.maxPrice) {
        throw new ValidationError({ field: 'minPrice', detail: 'must not be greater than maxPrice' });
      }
      const started = performance.now();
      const result = await readDerived('search', () => searchIndex.search(query));
      metrics.searchAnswered(performance.now() - started);
      return result;
    },

    async suggest(prefix: string, limit: number = SEARCH_LIMITS.suggestMax): Promise<Suggestion[]> {
      const qIssue = textIssue(prefix, SEARCH_TEXT);
      if (qIssue) throw new ValidationError({ field: 'q', detail: qIssue });
      if (prefix.trim() === '') return [];
      return readDerived('search', () => searchIndex.suggest(prefix, Math.min(limit, SEARCH_LIMITS.suggestMax)));
    },
  };
}
