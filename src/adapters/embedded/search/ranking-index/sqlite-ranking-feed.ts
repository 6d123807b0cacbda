import type { SearchDocument } from '../../../../ports/search-index.js';
import type { SqliteDatabase, SqliteStatement } from '../../sqlite-database.js';
import type { AttributeListener } from '../attribute-store.js';
import { LIVE_TABLES } from '../schema.js';
import { indexedText, type IndexedText } from './indexed-text.js';
import type { RankingIndex } from './ranking-index.js';

const { bodies: BODIES, fts: FTS } = LIVE_TABLES;

/**
 * FTS5's "averages" record (rowid 1 of its %_data table): varints holding the number of rows and the
 * total tokens per column, as FTS5's bm25() reads them through xRowCount and xColumnTotalSize. The
 * varints are SQLite's (big-endian, 7 bits a byte, high bit set on all but the last of at most 9).
 */
export function decodeAverages(record: Uint8Array): { rows: number; tokens: number } {
  const values: number[] = [];
  let i = 0;
  while (i < record.length) {
    let value = 0;
    for (let n = 0; ; n++) {
      const byte = record[i++]!;
      if (n === 8) {
        value = value * 256 + byte;
        break;
      }
      value = value * 128 + (byte & 0x7f);
      if ((byte & 0x80) === 0) break;
    }
    values.push(value);
  }
  const [rows = 0, ...columns] = values;
  return { rows, tokens: columns.reduce((a, b) => a + b, 0) };
}

/**
 * Keeps a RankingIndex in step with the index tables, from the changes the AttributeStore finds when
 * it catches up (same snapshot, same seq bookkeeping): the stored bodies are the text FTS5 indexed.
 */
export class SqliteRankingFeed implements AttributeListener {
  private readonly all: SqliteStatement;
  private readonly one: SqliteStatement;
  private readonly averages: SqliteStatement;
  /** Milliseconds the last full load took, for logs and benchmarks. */
  lastLoadMs = 0;

  constructor(
    db: SqliteDatabase,
    private readonly index: RankingIndex,
  ) {
    this.all = db.prepare(`SELECT doc_key, doc FROM ${BODIES}`).raw();
    this.one = db.prepare(`SELECT doc FROM ${BODIES} WHERE doc_key = ?`).pluck();
    this.averages = db.prepare(`SELECT block FROM ${FTS}_data WHERE id = 1`).pluck();
  }

  refreshed(): void {
    const record = this.averages.get() as Uint8Array | undefined;
    const { rows, tokens } = record ? decodeAverages(record) : { rows: 0, tokens: 0 };
    this.index.setCollectionStatistics(rows, tokens);
  }

  reloaded(): void {
    const started = performance.now();
    const all = this.all;
    this.index.load(
      (function* (): Generator<[number, IndexedText]> {
        for (const [key, doc] of all.iterate() as Iterable<[number, string]>) yield [key, indexedText(JSON.parse(doc) as SearchDocument)];
      })(),
    );
    this.lastLoadMs = performance.now() - started;
  }

  written(key: number): void {
    const doc = this.one.get(key) as string | undefined;
    if (doc === undefined) this.index.remove(key);
    else this.index.write(key, indexedText(JSON.parse(doc) as SearchDocument));
  }

  removed(key: number): void {
    this.index.remove(key);
  }
}
