/**
 * Opaque search cursors: an index's position payload, base64url JSON, bound to the search it came
 * from so that a cursor cannot be replayed against other parameters.
 */
import { createHash } from 'node:crypto';
import { ValidationError } from '../../domain/errors.js';
import type { SearchQuery } from '../../ports/search-index.js';

/** Identifies the query a cursor was issued for; the limit is left out so a client may change page size. */
function fingerprint(query: SearchQuery): string {
  const fields: unknown[] = [query.q, query.category ?? null, query.minPrice ?? null, query.maxPrice ?? null, query.minRating ?? null, query.sort];
  // Appended only when set, so cursors issued before the option existed stay valid.
  if (query.autocorrect === false) fields.push('exact');
  const key = JSON.stringify(fields);
  return createHash('sha256').update(key).digest('base64url').slice(0, 16);
}

const invalid = (detail: string, cause?: unknown) => new ValidationError({ field: 'cursor', detail }, cause === undefined ? undefined : { cause });

/** `position` must be a JSON object without an `f` key. */
export function encodeCursorToken(query: SearchQuery, position: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify({ ...position, f: fingerprint(query) })).toString('base64url');
}

/**
 * The position inside `query.cursor` as `read` accepts it (undefined: not ours), or undefined
 * without a cursor. ValidationError on `cursor` when it is malformed or belongs to another search.
 */
export function decodeCursorToken<T>(query: SearchQuery, read: (position: Record<string, unknown>) => T | undefined): T | undefined {
  const cursor = query.cursor;
  if (cursor === undefined || cursor === '') return undefined;
  let parsed: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error('not base64url');
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch (e) {
    throw invalid('is not a cursor this search issued', e);
  }
  const position = (parsed ?? {}) as Record<string, unknown>;
  const value = typeof position === 'object' ? read(position) : undefined;
  if (value === undefined || typeof position.f !== 'string') throw invalid('is not a cursor this search issued');
  if (position.f !== fingerprint(query)) throw invalid('belongs to a search with other parameters; start again without a cursor');
  return value;
}
