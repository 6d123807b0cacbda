import { ValidationError } from '../../domain/errors.js';
import { SEARCH_MAX_PAGE, type SearchQuery, type SearchSort } from '../../ports/search-index.js';

const SORTS: readonly SearchSort[] = ['relevance', 'price_asc', 'price_desc', 'rating', 'newest'];

/**
 * What every index rejects before searching: a page size that is not a positive integer, an unknown
 * sort, a page number out of bounds or given with a cursor.
 */
export function checkSearchQuery(query: SearchQuery): void {
  if (!Number.isInteger(query.limit) || query.limit < 1) {
    throw new ValidationError({ field: 'limit', detail: 'must be a positive integer' });
  }
  if (query.page !== undefined) {
    if (!Number.isInteger(query.page) || query.page < 1 || query.page > SEARCH_MAX_PAGE) {
      throw new ValidationError({ field: 'page', detail: `must be a whole number from 1 to ${SEARCH_MAX_PAGE}` });
    }
    if (query.cursor !== undefined) throw new ValidationError({ field: 'page', detail: 'cannot be combined with cursor; send one or the other' });
  }
  if (!SORTS.includes(query.sort)) throw new ValidationError({ field: 'sort', detail: `must be one of ${SORTS.join(', ')}` });
}
