/**
 * Opaque cursors over `search_after`: the sort values of the last hit of a page, bound to the search
 * they came from so a cursor cannot be replayed against other parameters.
 */
import { createHash } from 'node:crypto';
import { ValidationError } from '../../domain/errors.js';
import type { SearchQuery } from '../../ports/search-index.js';

export type SortValues = [number, string];

/** The limit is left out so a client may change page size between pages. */
function fingerprint(query: SearchQuery): string {
  const key = JSON.stringify([query.q, query.category ?? null, query.minPrice ?? null, query.maxPrice ?? null, query.minRating ?? null, query.sort]);
  return createHash('sha256').update(key).digest('base64url').slice(0, 16);
}

export function encodeCursor(query: SearchQuery, after: SortValues): string {
  return Buffer.from(JSON.stringify({ a: after, f: fingerprint(query) })).toString('base64url');
}

const invalid = (detail: string, cause?: unknown) => new ValidationError({ field: 'cursor', detail }, cause === undefined ? undefined : { cause });

/** The `search_after` values a cursor stands for; undefined without a cursor. ValidationError on `cursor`. */
export function decodeCursor(query: SearchQuery): SortValues | undefined {
  const cursor = query.cursor;
  if (cursor === undefined || cursor === '') return undefined;
  let parsed: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error('not base64url');
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch (e) {
    throw invalid('is not a cursor this search issued', e);
  }
  const { a, f } = (parsed ?? {}) as { a?: unknown; f?: unknown };
  if (!Array.isArray(a) || a.length !== 2 || typeof a[0] !== 'number' || !Number.isFinite(a[0]) || typeof a[1] !== 'string' || typeof f !== 'string') {
    throw invalid('is not a cursor this search issued');
  }
  if (f !== fingerprint(query)) throw invalid('belongs to a search with other parameters; start again without a cursor');
  return [a[0], a[1]];
}
