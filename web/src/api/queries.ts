import type { Endpoints, SearchParams } from './endpoints';

/** Results per page of the search page. */
export const SEARCH_PAGE_SIZE = 20;

/**
 * The search page's query, shared by the page and by the prefetch that starts it while the page's
 * code is still loading (same key, so the page finds it in the cache or in flight).
 */
export function searchQueryOptions(api: Endpoints, params: SearchParams) {
  return {
    queryKey: ['search', params] as const,
    queryFn: ({ signal }: { signal: AbortSignal }) => api.search({ ...params, limit: SEARCH_PAGE_SIZE }, signal),
  };
}
