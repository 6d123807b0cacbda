import type { SearchParams } from '../api/endpoints';
import type { SearchSort } from '../api/types';

export const SORTS: ReadonlyArray<{ value: SearchSort; label: string }> = [
  { value: 'relevance', label: 'Best match' },
  { value: 'price_asc', label: 'Price: low to high' },
  { value: 'price_desc', label: 'Price: high to low' },
  { value: 'rating', label: 'Highest rated' },
  { value: 'newest', label: 'Newest' },
];

export const RATINGS = [4, 3, 2] as const;

function nonNegativeInt(value: string | null): number | undefined {
  return value !== null && /^\d{1,12}$/.test(value) ? Number(value) : undefined;
}

function rating(value: string | null): number | undefined {
  const n = value === null ? NaN : Number(value);
  return Number.isFinite(n) && n >= 0 && n <= 5 ? n : undefined;
}

/** Everything the search page shows is in its URL; unknown or malformed values are ignored. */
export function readSearchState(params: URLSearchParams): SearchParams & { sort: SearchSort } {
  const sort = params.get('sort');
  return {
    q: params.get('q') ?? '',
    category: params.get('category') || undefined,
    minPrice: nonNegativeInt(params.get('minPrice')),
    maxPrice: nonNegativeInt(params.get('maxPrice')),
    minRating: rating(params.get('minRating')),
    sort: SORTS.some((s) => s.value === sort) ? (sort as SearchSort) : 'relevance',
    autocorrect: params.get('autocorrect') === 'false' ? false : undefined,
    cursor: params.get('cursor') || undefined,
  };
}

/** The same search with the words exactly as typed: where "search instead for …" leads. */
export function withoutCorrection(params: URLSearchParams): URLSearchParams {
  return withFilters(params, { autocorrect: 'false' });
}

/** The URL after changing some filters: back to the first page, defaults left out. */
export function withFilters(params: URLSearchParams, changes: Record<string, string | number | undefined>): URLSearchParams {
  const next = new URLSearchParams(params);
  next.delete('cursor');
  next.delete('page');
  for (const [name, value] of Object.entries(changes)) {
    if (value === undefined || value === '' || (name === 'sort' && value === 'relevance')) next.delete(name);
    else next.set(name, String(value));
  }
  return next;
}
