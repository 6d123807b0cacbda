import type { Checkpoint, CheckpointStore } from '../../ports/checkpoint-store.js';
import type { SqliteDatabase, SqliteStatement } from './sqlite-database.js';

interface CheckpointRow {
  position: number;
  generation: number;
  last_error: string | null;
  updated_at: number;
}

function checkpointFromRow(row: CheckpointRow): Checkpoint {
  return { position: row.position, generation: row.generation, lastError: row.last_error, updatedAt: row.updated_at };
}

/**
 * Projection checkpoints in a `checkpoints` table of any SQLite file. Each derived store keeps its
 * checkpoint in its own file, next to the data it describes, so the table is created here when
 * missing rather than through the file owner's `user_version` migrations.
 */
export class SqliteCheckpointStore implements CheckpointStore {
  private readonly byName: SqliteStatement<[string], CheckpointRow>;
  private readonly advanceFirst: SqliteStatement<[string, number, number]>;
  private readonly advanceStmt: SqliteStatement<[number, number, string, number]>;
  private readonly resetStmt: SqliteStatement<[string, number, number], CheckpointRow>;
  private readonly errorStmt: SqliteStatement<[string, string | null, number]>;

  constructor(db: SqliteDatabase) {
    db.exec(`CREATE TABLE IF NOT EXISTS checkpoints (
      name TEXT PRIMARY KEY,
      position INTEGER NOT NULL,
      generation INTEGER NOT NULL,
      last_error TEXT,
      updated_at INTEGER NOT NULL
    ) STRICT`);
    this.byName = db.prepare('SELECT position, generation, last_error, updated_at FROM checkpoints WHERE name = ?');
    // A projection that never reset is at generation 0 with no row yet: its first advance creates the row.
    this.advanceFirst = db.prepare(
      `INSERT INTO checkpoints (name, position, generation, last_error, updated_at) VALUES (?, ?, 0, NULL, ?)
       ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at WHERE generation = 0`,
    );
    this.advanceStmt = db.prepare('UPDATE checkpoints SET position = ?, updated_at = ? WHERE name = ? AND generation = ?');
    this.resetStmt = db.prepare(
      `INSERT INTO checkpoints (name, position, generation, last_error, updated_at) VALUES (?, ?, 1, NULL, ?)
       ON CONFLICT (name) DO UPDATE SET position = excluded.position, generation = generation + 1, last_error = NULL, updated_at = excluded.updated_at
       RETURNING position, generation, last_error, updated_at`,
    );
    this.errorStmt = db.prepare(
      `INSERT INTO checkpoints (name, position, generation, last_error, updated_at) VALUES (?, 0, 0, ?, ?)
       ON CONFLICT (name) DO UPDATE SET last_error = excluded.last_error, updated_at = excluded.updated_at`,
    );
  }

  async get(name: string): Promise<Checkpoint> {
    const row = this.byName.get(name);
    return row ? checkpointFromRow(row) : { position: 0, generation: 0, lastError: null, updatedAt: 0 };
  }

  /** A compare-and-set in one statement, so it is atomic across processes sharing the file. */
  async advance(name: string, generation: number, position: number): Promise<boolean> {
    const now = Date.now();
    const result = generation === 0 ? this.advanceFirst.run(name, position, now) : this.advanceStmt.run(position, now, name, generation);
    return result.changes > 0;
  }

  /** The new generation starts without the previous one's error. */
  async reset(name: string, position: number): Promise<Checkpoint> {
    return checkpointFromRow(this.resetStmt.get(name, position, Date.now())!);
  }

  async recordError(name: string, error: string | null): Promise<void> {
    this.errorStmt.run(name, error, Date.now());
  }
}
