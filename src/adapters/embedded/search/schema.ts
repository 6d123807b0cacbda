import { RANKED_COLUMNS } from '../../search-text/ranking.js';

/**
 * Table layout of the embedded search index. The index lives in two table sets of one file: the live
 * one, and a shadow one that a rebuild fills and then renames over the live one.
 */
export interface IndexTables {
  /** Narrow per-book row: the filter and sort fields, and `seq` for readers catching up. */
  docs: string;
  /** The stored SearchDocument as JSON, read only for the page of hits. */
  bodies: string;
  /** Contentless FTS5 table over pre-tokenized text, rowid = docs.doc_key. */
  fts: string;
  /** Vocabulary with document frequencies, for typo correction. */
  terms: string;
  /** Deletion neighbourhoods of the vocabulary (hash → term), for typo candidate lookup. */
  neighbours: string;
}

export const LIVE_TABLES: IndexTables = {
  docs: 'search_docs',
  bodies: 'search_bodies',
  fts: 'search_fts',
  terms: 'search_terms',
  neighbours: 'search_term_neighbours',
};

export const SHADOW_TABLES: IndexTables = {
  docs: 'search_docs_next',
  bodies: 'search_bodies_next',
  fts: 'search_fts_next',
  terms: 'search_terms_next',
  neighbours: 'search_term_neighbours_next',
};

/** Deletion markers survive rebuilds, so they are not part of a table set. */
export const TOMBSTONES = 'search_tombstones';

/**
 * Counters shared by both table sets: `seq` numbers write transactions (rows carry the seq that last
 * wrote them), `generation` numbers rebuilds. Readers with in-memory state use them to catch up.
 */
export const META = 'search_meta';

/** bm25() column weights, in FTS column order: title, authors, category, description. */
export const COLUMN_WEIGHTS = RANKED_COLUMNS.map((c) => c.weight);

/**
 * DDL of one table set, as a rebuild creates it today (existing files get there through
 * SEARCH_MIGRATIONS). Renaming a table does not rename its indexes, so index names carry `tag`,
 * unique per build, to keep the names of a shadow set free of the live set's.
 *
 * `text_seq` is the seq of the write that last changed a book's indexed text (its seq may be later:
 * most writes change only price, rating or stock). Readers that follow the text, like the in-memory
 * ranking, re-read only the books whose text changed.
 */
export function createTablesSql(t: IndexTables, tag: string): string {
  return `
    CREATE TABLE ${t.docs} (
      doc_key INTEGER PRIMARY KEY,
      id TEXT NOT NULL UNIQUE,
      version INTEGER NOT NULL,
      category TEXT NOT NULL,
      price INTEGER NOT NULL,
      rating REAL NOT NULL,
      year INTEGER NOT NULL,
      seq INTEGER NOT NULL,
      text_seq INTEGER NOT NULL
    );
    CREATE INDEX ix_${tag}_seq ON ${t.docs} (seq);
    CREATE INDEX ix_${tag}_text_seq ON ${t.docs} (text_seq);
    CREATE TABLE ${t.bodies} (doc_key INTEGER PRIMARY KEY, doc TEXT NOT NULL);
    CREATE VIRTUAL TABLE ${t.fts} USING fts5(
      title, authors, category, description,
      content = '', contentless_delete = 1,
      tokenize = 'unicode61 remove_diacritics 2',
      prefix = '1 2 3'
    );
    CREATE TABLE ${t.terms} (term_key INTEGER PRIMARY KEY, term TEXT NOT NULL UNIQUE, df INTEGER NOT NULL);
    CREATE TABLE ${t.neighbours} (
      hash INTEGER NOT NULL,
      term_key INTEGER NOT NULL,
      PRIMARY KEY (hash, term_key)
    ) WITHOUT ROWID;
  `;
}

export function dropTablesSql(t: IndexTables): string {
  return Object.values(t)
    .map((name) => `DROP TABLE IF EXISTS ${name};`)
    .join('\n');
}

/** Schema steps for `migrate`; append-only, literal text (a step must never change once shipped). */
export const SEARCH_MIGRATIONS: readonly string[] = [
  `CREATE TABLE search_docs (
      doc_key INTEGER PRIMARY KEY,
      id TEXT NOT NULL UNIQUE,
      version INTEGER NOT NULL,
      category TEXT NOT NULL,
      price INTEGER NOT NULL,
      rating REAL NOT NULL,
      year INTEGER NOT NULL,
      seq INTEGER NOT NULL
    );
    CREATE INDEX ix_search_v1_seq ON search_docs (seq);
    CREATE TABLE search_bodies (doc_key INTEGER PRIMARY KEY, doc TEXT NOT NULL);
    CREATE VIRTUAL TABLE search_fts USING fts5(
      title, authors, category, description,
      content = '', contentless_delete = 1,
      tokenize = 'unicode61 remove_diacritics 2',
      prefix = '1 2 3'
    );
    CREATE TABLE search_terms (term_key INTEGER PRIMARY KEY, term TEXT NOT NULL UNIQUE, df INTEGER NOT NULL);
    CREATE TABLE search_term_neighbours (
      hash INTEGER NOT NULL,
      term_key INTEGER NOT NULL,
      PRIMARY KEY (hash, term_key)
    ) WITHOUT ROWID;
   CREATE TABLE ${TOMBSTONES} (id TEXT PRIMARY KEY, version INTEGER NOT NULL, seq INTEGER NOT NULL) WITHOUT ROWID;
   CREATE INDEX ix_search_tombstones_seq ON ${TOMBSTONES} (seq);
   CREATE TABLE ${META} (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
   INSERT INTO ${META} (name, value) VALUES ('seq', 0), ('generation', 0);`,
  // Every stored text counts as written by the book's last write: readers catch up as they did before.
  `ALTER TABLE search_docs ADD COLUMN text_seq INTEGER NOT NULL DEFAULT 0;
   UPDATE search_docs SET text_seq = seq;
   CREATE INDEX ix_search_v2_text_seq ON search_docs (text_seq);`,
];
