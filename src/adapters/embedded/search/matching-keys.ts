import type { SqliteDatabase, SqliteStatement } from '../sqlite-database.js';
import { LIVE_TABLES } from './schema.js';

const { fts: FTS } = LIVE_TABLES;

/**
 * Document keys matching an FTS5 expression. They come back as one comma-separated string: for tens
 * of thousands of matches that is several times cheaper than one result row per key.
 */
export class MatchingKeys {
  private readonly statement: SqliteStatement;

  constructor(db: SqliteDatabase) {
    this.statement = db.prepare(`SELECT group_concat(rowid) FROM ${FTS} WHERE ${FTS} MATCH ?`).pluck();
  }

  get(expression: string): Int32Array {
    return parseKeyList((this.statement.get(expression) as string | null) ?? '');
  }
}

/** Parses `12,7,300` (non-negative integers, no spaces) without allocating a string per key. */
export function parseKeyList(list: string): Int32Array {
  if (list === '') return new Int32Array(0);
  const keys = new Int32Array(list.length / 2 + 1);
  let count = 0;
  let value = 0;
  for (let i = 0; i < list.length; i++) {
    const c = list.charCodeAt(i);
    if (c === 44) {
      keys[count++] = value;
      value = 0;
    } else value = value * 10 + (c - 48);
  }
  keys[count++] = value;
  return keys.subarray(0, count);
}
