import { randomBytes } from 'node:crypto';
import type { SqliteDatabase } from './sqlite-database.js';

/** Maps a store's table name to the name it has in one generation (live or a shadow being built). */
export type TableNames = (table: string) => string;

export const liveTables: TableNames = (table) => table;

const SHADOW_MARK = '__shadow_';

/**
 * Rebuilds a derived store's tables beside the live ones in the same file, then swaps them in with
 * one transaction (drop live, rename shadow), so readers, including other processes holding the
 * file open, see the old tables until the commit and the new ones after it; the file itself is
 * never replaced.
 *
 * `ddl` must derive every name it creates (indexes too) from `names`: a random suffix per rebuild
 * keeps the shadow's index names, which survive the rename, distinct from the live ones. A rebuild
 * first drops shadows a crashed rebuild left behind, so a concurrent rebuild of the same store
 * fails (its tables are gone) instead of mixing into this one.
 */
export async function rebuildTables(
  db: SqliteDatabase,
  tables: readonly string[],
  ddl: (names: TableNames) => string,
  fill: (names: TableNames) => Promise<void>,
): Promise<void> {
  dropShadows(db, tables);
  const suffix = `${SHADOW_MARK}${randomBytes(4).toString('hex')}`;
  const shadow: TableNames = (table) => `${table}${suffix}`;
  db.exec(ddl(shadow));
  try {
    await fill(shadow);
    db.transaction(() => {
      for (const table of tables) db.exec(`DROP TABLE ${table}`);
      for (const table of tables) db.exec(`ALTER TABLE ${shadow(table)} RENAME TO ${table}`);
    }).immediate();
  } catch (error) {
    dropTables(db, tables.map(shadow));
    throw error;
  }
}

function dropShadows(db: SqliteDatabase, tables: readonly string[]): void {
  const find = db.prepare<[string], { name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table' AND name GLOB ?");
  dropTables(
    db,
    tables.flatMap((table) => find.all(`${table}${SHADOW_MARK}*`).map((row) => row.name)),
  );
}

function dropTables(db: SqliteDatabase, names: readonly string[]): void {
  if (!db.open) return;
  db.transaction(() => {
    for (const name of names) db.exec(`DROP TABLE IF EXISTS ${name}`);
  }).immediate();
}
