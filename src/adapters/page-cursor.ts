/** Opaque page cursors shared by every adapter: the sort key of a page's last item, base64url JSON. */
import { ValidationError } from '../domain/errors.js';

/** Encodes the sort key of a page's last row; callers only hand it back. */
export function encodeCursor(key: readonly string[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** The sort key inside a cursor of `arity` parts; ValidationError on `cursor` for anything else. */
export function decodeCursor(cursor: string, arity: number): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== arity || !parsed.every((part) => typeof part === 'string')) {
    throw new ValidationError({ field: 'cursor', detail: 'is not a cursor returned by a previous page' });
  }
  return parsed as string[];
}
