import type { ChangeOp, EntityImages, EntityName } from '../../domain/change-event.js';
import type { SqliteDatabase, SqliteStatement } from './sqlite-database.js';

/** A change event before the outbox gives it its position and commit time. */
export type NewChange = {
  [E in EntityName]: { entity: E; key: string; op: ChangeOp; newImage: EntityImages[E] | null; oldImage: EntityImages[E] | null };
}[EntityName];

type InsertEvent = SqliteStatement<[string, string, ChangeOp, string | null, string | null, number]>;

/**
 * The system of record's write path: every write runs through `write`, and records its change events
 * with `append` inside that same transaction, so a change and its event commit or roll back together.
 */
export class Outbox {
  private readonly insertEvent: InsertEvent;
  private readonly listeners = new Set<() => void>();
  /** The open write transaction: its commit time and how many events it appended. */
  private current: { at: number; appended: number } | null = null;

  constructor(private readonly db: SqliteDatabase) {
    this.insertEvent = db.prepare('INSERT INTO outbox (entity, key, op, new_image, old_image, at) VALUES (?, ?, ?, ?, ?, ?)');
  }

  /**
   * Runs `fn` in an IMMEDIATE transaction: the write lock is taken before the first read, so a
   * read-modify-write in another process (the CLI next to the server) queues instead of interleaving.
   * Commit listeners hear about it after the commit, and only when events were written.
   */
  write<T>(fn: () => T): T {
    if (this.current) throw new Error('Outbox.write transactions do not nest');
    const tx = { at: Date.now(), appended: 0 };
    this.current = tx;
    let result: T;
    try {
      result = this.db.transaction(fn).immediate();
    } finally {
      this.current = null;
    }
    if (tx.appended > 0) this.notify();
    return result;
  }

  /**
   * Appends a change event to the transaction `write` is running; refuses to write one outside it.
   * `serialized` passes images the caller already holds as JSON (the stored documents), so bulk
   * writes do not serialize each one twice.
   */
  append(change: NewChange, serialized: { newImage?: string; oldImage?: string } = {}): void {
    const tx = this.current;
    if (!tx) throw new Error('change events must be appended inside Outbox.write, in the transaction of their change');
    const newImage = serialized.newImage ?? json(change.newImage);
    const oldImage = serialized.oldImage ?? json(change.oldImage);
    this.insertEvent.run(change.entity, change.key, change.op, newImage, oldImage, tx.at);
    tx.appended++;
  }

  onCommit(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  private notify(): void {
    for (const listener of this.listeners) {
      try {
        listener();
      } catch {
        // The write has committed; a failing wake-up must not turn it into an error for the writer.
        // Consumers also poll, so a lost wake-up only delays them.
      }
    }
  }
}

function json(image: object | null): string | null {
  return image === null ? null : JSON.stringify(image);
}
