import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { connect, type SqliteDatabase } from './sqlite-driver.js';

export type { SqliteDatabase, SqliteStatement } from './sqlite-driver.js';

export interface SqliteOptions {
  /**
   * `full` fsyncs the WAL inside every COMMIT, on the calling thread; `normal` leaves the commit in the
   * OS cache until the next checkpoint, which is enough for derived stores (they can be rebuilt). The
   * system of record uses `normal` too and syncs each commit itself before reporting it, off the event
   * loop (see WalSync).
   */
  durability: 'full' | 'normal';
  readonly?: boolean;
  /**
   * Page cache of this connection, MiB (SQLite's default is 2 MiB). A bulk load wants one large enough
   * for the indexes it inserts into in random order: with the default, a transaction of thousands of
   * rows spills and rewrites the same pages, and every commit writes most of each index again.
   */
  cacheMiB?: number;
}

/**
 * Opens a SQLite file in WAL mode so readers never block the writer and several processes (the
 * server and the CLI) can share the data directory; a busy timeout makes concurrent writers queue
 * instead of failing.
 */
export function openSqlite(file: string, options: SqliteOptions): SqliteDatabase {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = connect(file, { readonly: options.readonly ?? false });
  db.pragma('busy_timeout = 10000');
  if (!options.readonly) db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.durability === 'full' ? 'FULL' : 'NORMAL'}`);
  db.pragma('foreign_keys = ON');
  if (options.cacheMiB !== undefined) db.pragma(`cache_size = -${Math.round(options.cacheMiB * 1024)}`);
  return db;
}

/**
 * Applies the schema steps this file has not seen yet, tracked in `user_version`, each in its own
 * transaction. Steps are append-only: never edit one that has shipped.
 */
export function migrate(db: SqliteDatabase, steps: readonly string[]): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (let v = current; v < steps.length; v++) {
    db.transaction(() => {
      db.exec(steps[v]!);
      db.pragma(`user_version = ${v + 1}`);
    }).immediate();
  }
}
