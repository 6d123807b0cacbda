import { ValidationError } from '../../domain/errors.js';
import type { SearchQuery, SearchSort } from '../../ports/search-index.js';

const SORTS: readonly SearchSort[] = ['relevance', 'price_asc', 'price_desc', 'rating', 'newest'];

/** What every index rejects before searching: a page size that is not a positive integer, an unknown sort. */
export function checkSearchQuery(query: SearchQuery): void {
  if (!Number.isInteger(query.limit) || query.limit < 1) {
    throw new ValidationError({ field: 'limit', detail: 'must be a positive integer' });
  }
  if (!SORTS.includes(query.sort)) throw new ValidationError({ field: 'sort', detail: `must be one of ${SORTS.join(', ')}` });
}
