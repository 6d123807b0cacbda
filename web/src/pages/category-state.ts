import type { SearchSort } from '../api/types';

/** The deepest page the search API answers (SEARCH_MAX_PAGE in src/ports/search-index.ts). */
export const SEARCH_MAX_PAGE = 100;

export const CATEGORY_PAGE_SIZE = 24;

/** A category has no search words, so "best match" is the highest rated first: one option, not two. */
export const CATEGORY_SORTS: ReadonlyArray<{ value: SearchSort; label: string }> = [
  { value: 'rating', label: 'Highest rated' },
  { value: 'price_asc', label: 'Price: low to high' },
  { value: 'price_desc', label: 'Price: high to low' },
  { value: 'newest', label: 'Newest' },
];

export const DEFAULT_CATEGORY_SORT: SearchSort = 'rating';

export interface CategoryState {
  sort: SearchSort;
  minPrice: number | undefined;
  maxPrice: number | undefined;
  minRating: number | undefined;
  /** 1 when the URL has none; null when it names a page the API would refuse (0, 7.5, 101…). */
  page: number | null;
}

function nonNegativeInt(value: string | null): number | undefined {
  return value !== null && /^\d{1,12}$/.test(value) ? Number(value) : undefined;
}

function rating(value: string | null): number | undefined {
  const n = value === null || value === '' ? NaN : Number(value);
  return Number.isFinite(n) && n >= 0 && n <= 5 ? n : undefined;
}

function page(value: string | null): number | null {
  if (value === null) return 1;
  if (!/^\d{1,4}$/.test(value)) return null;
  const n = Number(value);
  return n >= 1 && n <= SEARCH_MAX_PAGE ? n : null;
}

/** Everything the category page shows is in its URL; malformed filters and sorts are ignored. */
export function readCategoryState(params: URLSearchParams): CategoryState {
  const sort = params.get('sort');
  return {
    sort: CATEGORY_SORTS.some((s) => s.value === sort) ? (sort as SearchSort) : DEFAULT_CATEGORY_SORT,
    minPrice: nonNegativeInt(params.get('minPrice')),
    maxPrice: nonNegativeInt(params.get('maxPrice')),
    minRating: rating(params.get('minRating')),
    page: page(params.get('page')),
  };
}

/** The URL after changing the sort or a filter: back to the first page, defaults left out. */
export function withCategoryChanges(params: URLSearchParams, changes: Record<string, string | number | undefined>): URLSearchParams {
  const next = new URLSearchParams(params);
  next.delete('page');
  next.delete('cursor');
  for (const [name, value] of Object.entries(changes)) {
    if (value === undefined || value === '' || (name === 'sort' && value === DEFAULT_CATEGORY_SORT)) next.delete(name);
    else next.set(name, String(value));
  }
  return next;
}

/** Number of pages the pager offers: every page the API answers, and no empty one. */
export function pageCount(total: number, pageSize: number): number {
  return Math.max(1, Math.min(Math.ceil(total / pageSize), SEARCH_MAX_PAGE));
}

/**
 * The page numbers a pager shows: the first, the last, and two either side of the current one,
 * with null where numbers are left out ("…").
 */
export function pageWindow(current: number, count: number): Array<number | null> {
  const shown = new Set([1, count]);
  for (let n = current - 2; n <= current + 2; n++) if (n >= 1 && n <= count) shown.add(n);
  const sorted = [...shown].sort((a, b) => a - b);
  const out: Array<number | null> = [];
  for (const n of sorted) {
    const previous = out.at(-1);
    // A gap of one number shows that number rather than an ellipsis standing for it.
    if (typeof previous === 'number' && n - previous === 2) out.push(previous + 1);
    else if (typeof previous === 'number' && n - previous > 2) out.push(null);
    out.push(n);
  }
  return out;
}
