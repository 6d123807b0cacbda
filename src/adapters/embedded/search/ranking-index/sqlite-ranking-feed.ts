import type { SearchDocument } from '../../../../ports/search-index.js';
import type { SqliteDatabase, SqliteStatement } from '../../sqlite-database.js';
import type { AttributeListener } from '../attribute-store.js';
import { LIVE_TABLES } from '../schema.js';
import { indexedText, type IndexedText } from './indexed-text.js';
import { PostingsSegment } from './postings-segment.js';
import type { RankingIndex } from './ranking-index.js';
import { readRankingSnapshot, writeRankingSnapshot } from './ranking-snapshot.js';

const { bodies: BODIES, docs: DOCS, fts: FTS } = LIVE_TABLES;

/** Past this share of the documents changed since a snapshot, reading them all is as quick as catching up. */
const CATCH_UP_LIMIT = 0.1;

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

export interface RankingLoad {
  /** How the postings came to memory: read from every stored body, or from the snapshot and caught up. */
  source: 'tables' | 'snapshot';
  ms: number;
  documents: number;
}

/**
 * Keeps a RankingIndex in step with the index tables, from the changes the AttributeStore finds when
 * it catches up (same snapshot, same seq bookkeeping): the stored bodies are the text FTS5 indexed.
 *
 * With a `snapshotFile`, a full load first tries the postings saved there (by the last full load or
 * the last close) and catches up from their seq, which turns a restart's minute of tokenizing a
 * million books into reading one file; FTS5's tables stay the durable source.
 */
export class SqliteRankingFeed implements AttributeListener {
  private readonly all: SqliteStatement;
  private readonly one: SqliteStatement;
  private readonly averages: SqliteStatement;
  private readonly changedCount: SqliteStatement;
  private readonly changedKeys: SqliteStatement;
  private at: { generation: number; seq: number } | null = null;
  /** How the last full load went, for logs and benchmarks. */
  lastLoad: RankingLoad | null = null;

  constructor(
    db: SqliteDatabase,
    private readonly index: RankingIndex,
    private readonly snapshotFile: string | null,
  ) {
    this.all = db.prepare(`SELECT doc_key, doc FROM ${BODIES}`).raw();
    this.one = db.prepare(`SELECT doc FROM ${BODIES} WHERE doc_key = ?`).pluck();
    this.averages = db.prepare(`SELECT block FROM ${FTS}_data WHERE id = 1`).pluck();
    this.changedCount = db.prepare(`SELECT count(*) FROM ${DOCS} WHERE seq > ?`).pluck();
    this.changedKeys = db.prepare(`SELECT doc_key FROM ${DOCS} WHERE seq > ?`).pluck();
  }

  reloaded(state: { generation: number; seq: number; isLive(key: number): boolean }): void {
    const started = performance.now();
    if (this.restore(state)) {
      this.lastLoad = { source: 'snapshot', ms: performance.now() - started, documents: this.index.documents };
      return;
    }
    const all = this.all;
    this.index.load(
      (function* (): Generator<[number, IndexedText]> {
        for (const [key, doc] of all.iterate() as Iterable<[number, string]>) yield [key, indexedText(JSON.parse(doc) as SearchDocument)];
      })(),
    );
    this.at = { generation: state.generation, seq: state.seq };
    if (this.index.documents > 0) this.save();
    this.lastLoad = { source: 'tables', ms: performance.now() - started, documents: this.index.documents };
  }

  written(key: number): void {
    const doc = this.one.get(key) as string | undefined;
    if (doc === undefined) this.index.remove(key);
    else this.index.write(key, indexedText(JSON.parse(doc) as SearchDocument));
  }

  removed(key: number): void {
    this.index.remove(key);
  }

  refreshed(generation: number, seq: number): void {
    this.at = { generation, seq };
    const record = this.averages.get() as Uint8Array | undefined;
    const { rows, tokens } = record ? decodeAverages(record) : { rows: 0, tokens: 0 };
    this.index.setCollectionStatistics(rows, tokens);
  }

  /** Saves the postings as of the last refresh, for the next start. */
  save(): void {
    if (this.snapshotFile === null || this.at === null) return;
    const { segment, docKeys, lengths } = this.index.postings();
    writeRankingSnapshot(this.snapshotFile, { ...this.at, vocabulary: [...segment.vocabulary], offsets: segment.offsets, keys: segment.keys, weights: segment.weights, docKeys, lengths });
  }

  /** Loads the snapshot and catches up with the tables; false when there is no usable one. */
  private restore(state: { generation: number; seq: number; isLive(key: number): boolean }): boolean {
    if (this.snapshotFile === null) return false;
    let snapshot;
    try {
      snapshot = readRankingSnapshot(this.snapshotFile);
    } catch {
      return false;
    }
    // Another generation is another set of tables; a later seq is a file from another copy of the database.
    if (!snapshot || snapshot.generation !== state.generation || snapshot.seq > state.seq) return false;
    const changed = this.changedCount.get(snapshot.seq) as number;
    if (changed > CATCH_UP_LIMIT * Math.max(snapshot.docKeys.length, 10_000)) return false;
    this.index.restore(new PostingsSegment(snapshot.vocabulary, snapshot.offsets, snapshot.keys, snapshot.weights), snapshot.docKeys, snapshot.lengths);
    for (const key of snapshot.docKeys) if (!state.isLive(key)) this.index.remove(key);
    for (const key of this.changedKeys.all(snapshot.seq) as number[]) this.written(key);
    this.at = { generation: state.generation, seq: state.seq };
    return true;
  }
}
