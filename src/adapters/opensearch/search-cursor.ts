/** Opaque cursors over `search_after`: the sort values of the last hit of a page. */
import type { SearchQuery } from '../../ports/search-index.js';
import { decodeCursorToken, encodeCursorToken } from '../search-text/cursor-token.js';

export type SortValues = [number, string];

export function encodeCursor(query: SearchQuery, after: SortValues): string {
  return encodeCursorToken(query, { a: after });
}

/** The `search_after` values a cursor stands for; undefined without a cursor. ValidationError on `cursor`. */
export function decodeCursor(query: SearchQuery): SortValues | undefined {
  return decodeCursorToken(query, ({ a }): SortValues | undefined =>
    Array.isArray(a) && a.length === 2 && typeof a[0] === 'number' && Number.isFinite(a[0]) && typeof a[1] === 'string' ? [a[0], a[1]] : undefined,
  );
}
