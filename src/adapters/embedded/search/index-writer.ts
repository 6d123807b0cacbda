import type { SearchDocument } from '../../../ports/search-index.js';
import type { SqliteDatabase } from '../sqlite-database.js';
import { META, TOMBSTONES, type IndexTables } from './schema.js';
import { isFuzzyTarget } from '../../search-text/near-spellings.js';
import { columnTerms, RANKED_COLUMNS } from '../../search-text/ranking.js';
import { deletionNeighbourhood, indexedDepth, NEIGHBOURHOOD_RULE, neighbourHash } from './typo-candidates.js';

interface StoredDoc {
  doc_key: number;
  version: number;
}

/** Exactly the port's fields, so a caller passing a whole Book does not store its timestamps. */
function storedDocument(doc: SearchDocument): SearchDocument {
  return {
    id: doc.id,
    isbn: doc.isbn,
    title: doc.title,
    authors: [...doc.authors],
    category: doc.category,
    description: doc.description,
    price: doc.price,
    currency: doc.currency,
    coverUrl: doc.coverUrl,
    rating: doc.rating,
    year: doc.year,
    version: doc.version,
  };
}

/** The text FTS5 indexes per column: our own terms, so its vocabulary is exactly ours. */
function columns(doc: SearchDocument): string[] {
  const text = columnTerms(doc);
  return RANKED_COLUMNS.map((c) => text[c.name]);
}

function distinctTerms(cols: readonly string[]): Set<string> {
  // Straight into the set: this runs for every book indexed, and the flattened copy cost as much as the set.
  const terms = new Set<string>();
  for (const c of cols) if (c !== '') for (const term of c.split(' ')) terms.add(term);
  return terms;
}

function prepareStatements(db: SqliteDatabase, t: IndexTables) {
  return {
    getDoc: db.prepare(`SELECT doc_key, version FROM ${t.docs} WHERE id = ?`),
    getBody: db.prepare(`SELECT doc FROM ${t.bodies} WHERE doc_key = ?`).pluck(),
    insertDoc: db.prepare(
      `INSERT INTO ${t.docs} (id, version, category, price, rating, year, seq, text_seq)
       VALUES (@id, @version, @category, @price, @rating, @year, @seq, @seq)`,
    ),
    updateDoc: db.prepare(
      `UPDATE ${t.docs} SET version = @version, category = @category, price = @price, rating = @rating, year = @year, seq = @seq,
         text_seq = CASE WHEN @textChanged THEN @seq ELSE text_seq END
       WHERE doc_key = @key`,
    ),
    deleteDoc: db.prepare(`DELETE FROM ${t.docs} WHERE doc_key = ?`),
    upsertBody: db.prepare(`INSERT OR REPLACE INTO ${t.bodies} (doc_key, doc) VALUES (?, ?)`),
    deleteBody: db.prepare(`DELETE FROM ${t.bodies} WHERE doc_key = ?`),
    insertFts: db.prepare(`INSERT INTO ${t.fts} (rowid, title, authors, category, description) VALUES (?, ?, ?, ?, ?)`),
    // better-sqlite3 binds numbers as REAL, and FTS5 only uses an INTEGER rowid constraint as a seek.
    deleteFts: db.prepare(`DELETE FROM ${t.fts} WHERE rowid = CAST(? AS INTEGER)`),
    // Vocabulary maintenance takes a batch's terms as one JSON object ({term: delta}), so SQLite
    // loops over thousands of terms instead of JavaScript issuing a statement per term.
    newTerms: db
      .prepare(`SELECT j.key FROM json_each(?) j WHERE NOT EXISTS (SELECT 1 FROM ${t.terms} t WHERE t.term = j.key)`)
      .pluck(),
    addDf: db.prepare(
      `INSERT INTO ${t.terms} (term, df) SELECT key, value FROM json_each(?) WHERE true
       ON CONFLICT (term) DO UPDATE SET df = df + excluded.df`,
    ),
    termKeys: db.prepare(`SELECT term, term_key FROM ${t.terms} WHERE term IN (SELECT value FROM json_each(?))`).raw(),
    insertNeighbours: db.prepare(`INSERT OR IGNORE INTO ${t.neighbours} (hash, term_key) SELECT value, ? FROM json_each(?)`),
    getTombstone: db.prepare(`SELECT version FROM ${TOMBSTONES} WHERE id = ?`).pluck(),
    putTombstone: db.prepare(
      `INSERT INTO ${TOMBSTONES} (id, version, seq) VALUES (?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET version = max(version, excluded.version), seq = excluded.seq`,
    ),
    nextSeq: db.prepare(`UPDATE ${META} SET value = value + 1 WHERE name = 'seq' RETURNING value`).pluck(),
    deleteTombstone: db.prepare(`DELETE FROM ${TOMBSTONES} WHERE id = ?`),
  };
}

/**
 * Version-ordered writes into one table set. Each call is one transaction; the vocabulary's document
 * frequencies are summed per batch so a term is touched once per batch, not once per document.
 */
export class IndexWriter {
  /** The seq of the transaction in progress, stamped on every row it writes. */
  private seq = 0;
  private readonly s: ReturnType<typeof prepareStatements>;

  /** `honourTombstones` is off while rebuilding: the load is the truth then. */
  constructor(
    private readonly db: SqliteDatabase,
    t: IndexTables,
    private readonly honourTombstones = true,
  ) {
    this.s = prepareStatements(db, t);
  }

  upsert(docs: readonly SearchDocument[]): void {
    this.db
      .transaction(() => {
        this.seq = this.s.nextSeq.get() as number;
        const deltas = new Map<string, number>();
        for (const doc of docs) this.upsertOne(storedDocument(doc), deltas);
        this.applyDeltas(deltas);
      })
      .immediate();
  }

  remove(items: ReadonlyArray<{ id: string; version: number }>): void {
    this.db
      .transaction(() => {
        this.seq = this.s.nextSeq.get() as number;
        const deltas = new Map<string, number>();
        for (const { id, version } of items) {
          const stored = this.s.getDoc.get(id) as StoredDoc | undefined;
          if (stored && version < stored.version) continue;
          if (stored) this.unindex(stored.doc_key, deltas, true);
          this.s.putTombstone.run(id, version, this.seq);
        }
        this.applyDeltas(deltas);
      })
      .immediate();
  }

  /** Stores the documents whatever is stored of them: their tombstones and older or newer rows go. */
  overwrite(docs: readonly SearchDocument[]): void {
    this.db
      .transaction(() => {
        this.seq = this.s.nextSeq.get() as number;
        const deltas = new Map<string, number>();
        for (const doc of docs) {
          this.s.deleteTombstone.run(doc.id);
          const stored = this.s.getDoc.get(doc.id) as StoredDoc | undefined;
          if (stored) this.unindex(stored.doc_key, deltas, true);
          this.upsertOne(storedDocument(doc), deltas);
        }
        this.applyDeltas(deltas);
      })
      .immediate();
  }

  private upsertOne(doc: SearchDocument, deltas: Map<string, number>): void {
    if (this.honourTombstones) {
      const tombstone = this.s.getTombstone.get(doc.id) as number | undefined;
      if (tombstone !== undefined && doc.version <= tombstone) return;
      if (tombstone !== undefined) this.s.deleteTombstone.run(doc.id);
    }
    const stored = this.s.getDoc.get(doc.id) as StoredDoc | undefined;
    if (stored && doc.version <= stored.version) return;
    const cols = columns(doc);
    const row = {
      id: doc.id,
      version: doc.version,
      category: doc.category,
      price: doc.price,
      rating: doc.rating,
      year: doc.year,
      seq: this.seq,
    };
    let key: number;
    if (stored) {
      key = stored.doc_key;
      const before = this.storedColumns(key);
      // Most writes leave the text as it was (a sale moves stock, an admin a price): FTS5's rows and the
      // vocabulary stay, rather than being deleted and written again term by term, and text_seq stays.
      const textChanged = before === undefined || before.some((text, i) => text !== cols[i]);
      this.s.updateDoc.run({ ...row, key, textChanged: textChanged ? 1 : 0 });
      this.s.upsertBody.run(key, JSON.stringify(doc));
      if (!textChanged) return;
      this.unindex(key, deltas, false, before);
    } else {
      key = Number(this.s.insertDoc.run(row).lastInsertRowid);
      this.s.upsertBody.run(key, JSON.stringify(doc));
    }
    this.s.insertFts.run(key, ...cols);
    for (const term of distinctTerms(cols)) deltas.set(term, (deltas.get(term) ?? 0) + 1);
  }

  /** The indexed text of a stored document, column by column, or undefined when it has no body. */
  private storedColumns(key: number): string[] | undefined {
    const body = this.s.getBody.get(key) as string | undefined;
    return body === undefined ? undefined : columns(JSON.parse(body) as SearchDocument);
  }

  /**
   * Takes a document out of the full-text index and the vocabulary counts; `dropRow` also deletes it.
   * `indexed`: its columns, when the caller has read them already.
   */
  private unindex(key: number, deltas: Map<string, number>, dropRow: boolean, indexed = this.storedColumns(key)): void {
    if (indexed !== undefined) {
      for (const term of distinctTerms(indexed)) deltas.set(term, (deltas.get(term) ?? 0) - 1);
    }
    this.s.deleteFts.run(key);
    if (dropRow) {
      this.s.deleteDoc.run(key);
      this.s.deleteBody.run(key);
    }
  }

  private applyDeltas(deltas: ReadonlyMap<string, number>): void {
    const changed = Object.fromEntries([...deltas].filter(([, delta]) => delta !== 0));
    const json = JSON.stringify(changed);
    const created = (this.s.newTerms.all(json) as string[]).filter(isFuzzyTarget);
    this.s.addDf.run(json);
    if (created.length === 0) return;
    // Terms are never deleted (a df of 0 is harmless), so a neighbourhood is written once per term.
    for (const [term, key] of this.s.termKeys.all(JSON.stringify(created)) as Array<[string, number]>) {
      const hashes = [...deletionNeighbourhood(term, indexedDepth(term))].map(neighbourHash);
      this.s.insertNeighbours.run(key, JSON.stringify(hashes));
    }
  }
}

/**
 * Deepens the stored typo neighbourhoods of a file written under an older NEIGHBOURHOOD_RULE, once:
 * they derive from the vocabulary alone, so no rebuild from the record is needed. Rows of the older,
 * shallower rule are subsets of the new ones and stay.
 */
export function upgradeNeighbourhoods(db: SqliteDatabase, t: IndexTables): void {
  const ruleOf = db.prepare(`SELECT value FROM ${META} WHERE name = 'neighbourhood_rule'`).pluck();
  if (ruleOf.get() === NEIGHBOURHOOD_RULE) return;
  db.transaction(() => {
    if (ruleOf.get() === NEIGHBOURHOOD_RULE) return;
    const insert = db.prepare(`INSERT OR IGNORE INTO ${t.neighbours} (hash, term_key) SELECT value, ? FROM json_each(?)`);
    for (const [key, term] of db.prepare(`SELECT term_key, term FROM ${t.terms}`).raw().all() as Array<[number, string]>) {
      if (!isFuzzyTarget(term)) continue;
      insert.run(key, JSON.stringify([...deletionNeighbourhood(term, indexedDepth(term))].map(neighbourHash)));
    }
    db.prepare(`INSERT INTO ${META} (name, value) VALUES ('neighbourhood_rule', ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value`).run(
      NEIGHBOURHOOD_RULE,
    );
  }).immediate();
}
