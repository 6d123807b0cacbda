import type { SearchDocument } from '../../../../ports/search-index.js';
import type { SqliteDatabase, SqliteStatement } from '../../sqlite-database.js';
import type { AttributeListener, AttributeState } from '../attribute-store.js';
import { LIVE_TABLES, TOMBSTONES } from '../schema.js';
import { indexedText, type IndexedText } from './indexed-text.js';
import { PostingsSegment } from './postings-segment.js';
import type { RankingIndex } from './ranking-index.js';
import { readRankingSnapshot, writeRankingSnapshot, type RankingSnapshot } from './ranking-snapshot.js';

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
 * With a `snapshotFile`, a full load first tries the postings and attributes saved there (by the last
 * full load or the last close): the AttributeStore asks `restorable` and, when it says yes, takes the
 * attributes and catches both up from the snapshot's seq, which turns a restart's minute of tokenizing
 * and reading a million books into reading one file; FTS5's tables stay the durable source.
 */
export class SqliteRankingFeed implements AttributeListener {
  private readonly all: SqliteStatement;
  private readonly one: SqliteStatement;
  private readonly averages: SqliteStatement;
  private readonly changedCount: SqliteStatement;
  private readonly changedTombstones: SqliteStatement;
  /** The snapshot `restorable` accepted, until the reload it was accepted for takes its postings. */
  private accepted: RankingSnapshot | null = null;
  /** How long reading the accepted snapshot took, counted in its load. */
  private readMs = 0;
  private at: { generation: number; seq: number } | null = null;
  /** The state the snapshot file holds (read or written by this feed): saving it again would write the same. */
  private saved: { generation: number; seq: number } | null = null;
  /** How the last full load went, for logs and benchmarks. */
  lastLoad: RankingLoad | null = null;

  constructor(
    db: SqliteDatabase,
    private readonly index: RankingIndex,
    private readonly snapshotFile: string | null,
    /** The attributes as of the last refresh, saved with the postings. */
    private readonly attributes: () => AttributeState,
  ) {
    this.all = db.prepare(`SELECT doc_key, doc FROM ${BODIES}`).raw();
    this.one = db.prepare(`SELECT d.text_seq, b.doc FROM ${DOCS} d JOIN ${BODIES} b USING (doc_key) WHERE doc_key = ?`).raw();
    this.averages = db.prepare(`SELECT block FROM ${FTS}_data WHERE id = 1`).pluck();
    this.changedCount = db.prepare(`SELECT count(*) FROM ${DOCS} WHERE text_seq > ?`).pluck();
    this.changedTombstones = db.prepare(`SELECT count(*) FROM ${TOMBSTONES} WHERE seq > ?`).pluck();
  }

  /**
   * The saved attributes to reload from, when the snapshot is of these tables (`generation`) at or
   * before `seq` and few enough books changed since that catching up beats reading them all. Its
   * postings wait for the `reloaded` call that follows.
   */
  restorable(generation: number, seq: number): { seq: number; state: AttributeState } | null {
    this.accepted = null;
    if (this.snapshotFile === null) return null;
    const started = performance.now();
    let snapshot: RankingSnapshot | null;
    try {
      snapshot = readRankingSnapshot(this.snapshotFile);
    } catch {
      return null;
    }
    // Another generation is another set of tables; a later seq is a file from another copy of the database.
    if (!snapshot || snapshot.generation !== generation || snapshot.seq > seq) return null;
    const changed = (this.changedCount.get(snapshot.seq) as number) + (this.changedTombstones.get(snapshot.seq) as number);
    if (changed > CATCH_UP_LIMIT * Math.max(snapshot.docKeys.length, 10_000)) return null;
    this.accepted = snapshot;
    this.readMs = performance.now() - started;
    return { seq: snapshot.seq, state: snapshot.attributes };
  }

  reloaded(state: { generation: number; seq: number; restored: boolean; isLive(key: number): boolean }): void {
    const started = performance.now();
    const snapshot = this.accepted;
    this.accepted = null;
    if (state.restored && snapshot) {
      // The changes since the snapshot's seq follow as written/removed calls, before `refreshed`.
      this.index.restore(new PostingsSegment(snapshot.vocabulary, snapshot.offsets, snapshot.keys, snapshot.weights), snapshot.docKeys, snapshot.lengths);
      this.at = { generation: state.generation, seq: state.seq };
      this.saved = { ...this.at };
      this.lastLoad = { source: 'snapshot', ms: this.readMs + performance.now() - started, documents: this.index.documents };
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

  written(key: number, textSeq: number): void {
    // A write that left the text as the postings have it (price, rating, stock) changes nothing here:
    // the attributes follow it, and the book stays in the segment instead of moving to the delta. Told
    // by textSeq without reading the row: a seed's stock changes touch most of a catalog at once.
    if (this.at !== null && textSeq <= this.at.seq) return;
    const row = this.one.get(key) as [number, string] | undefined;
    if (row === undefined) this.index.remove(key);
    else if (this.at === null || row[0] > this.at.seq) this.index.write(key, indexedText(JSON.parse(row[1]) as SearchDocument));
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

  /** Saves the postings as of the last refresh, for the next start; nothing when the file already holds them. */
  save(): void {
    if (this.snapshotFile === null || this.at === null) return;
    if (this.saved !== null && this.saved.generation === this.at.generation && this.saved.seq === this.at.seq) return;
    const { segment, docKeys, lengths } = this.index.postings();
    writeRankingSnapshot(this.snapshotFile, {
      ...this.at,
      vocabulary: [...segment.vocabulary],
      offsets: segment.offsets,
      keys: segment.keys,
      weights: segment.weights,
      docKeys,
      lengths,
      attributes: this.attributes(),
    });
    this.saved = { ...this.at };
  }
}
