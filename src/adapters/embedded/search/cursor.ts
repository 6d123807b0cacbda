import type { SearchQuery } from '../../../ports/search-index.js';
import { decodeCursorToken, encodeCursorToken } from '../../search-text/cursor-token.js';

/** Deepest result reachable by paging, as in OpenSearch's default `max_result_window`. */
export const MAX_RESULT_WINDOW = 10_000;

export function encodeCursor(query: SearchQuery, offset: number): string {
  return encodeCursorToken(query, { o: offset });
}

/** The offset a cursor stands for; ValidationError on `cursor` when it is malformed or from another query. */
export function decodeCursor(query: SearchQuery): number {
  const offset = decodeCursorToken(query, ({ o }) => (typeof o === 'number' && Number.isInteger(o) && o > 0 && o < MAX_RESULT_WINDOW ? o : undefined));
  return offset ?? 0;
}
