import { createHash } from 'node:crypto';
import { ValidationError } from '../../../domain/errors.js';
import type { SearchQuery } from '../../../ports/search-index.js';

/** Deepest result reachable by paging, as in OpenSearch's default `max_result_window`. */
export const MAX_RESULT_WINDOW = 10_000;

/** Identifies the query a cursor was issued for; the limit is left out so a client may change page size. */
function fingerprint(query: SearchQuery): string {
  const key = JSON.stringify([query.q, query.category ?? null, query.minPrice ?? null, query.maxPrice ?? null, query.minRating ?? null, query.sort]);
  return createHash('sha256').update(key).digest('base64url').slice(0, 16);
}

export function encodeCursor(query: SearchQuery, offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset, f: fingerprint(query) })).toString('base64url');
}

/** The offset a cursor stands for; ValidationError on `cursor` when it is malformed or from another query. */
export function decodeCursor(query: SearchQuery): number {
  const cursor = query.cursor;
  if (cursor === undefined || cursor === '') return 0;
  let parsed: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error('not base64url');
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch (e) {
    throw new ValidationError({ field: 'cursor', detail: 'is not a cursor this search issued' }, { cause: e });
  }
  const { o, f } = (parsed ?? {}) as { o?: unknown; f?: unknown };
  if (typeof o !== 'number' || !Number.isInteger(o) || o <= 0 || o >= MAX_RESULT_WINDOW || typeof f !== 'string') {
    throw new ValidationError({ field: 'cursor', detail: 'is not a cursor this search issued' });
  }
  if (f !== fingerprint(query)) {
    throw new ValidationError({ field: 'cursor', detail: 'belongs to a search with other parameters; start again without a cursor' });
  }
  return o;
}
