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
  /** The open write transaction: its commit time, how many events it appended and the first one's seq. */
  private current: { at: number; appended: number; firstSeq: number } | null = null;
  /** First seqs of this process's commits that are not on disk yet (see `deliverableBefore`). */
  private readonly unsynced = new Set<number>();

  constructor(
    private readonly db: SqliteDatabase,
    /** Settles once every commit made so far is on disk (see WalSync); the write waits for it before it reports. */
    private readonly durable: () => Promise<void>,
  ) {
    this.insertEvent = db.prepare('INSERT INTO outbox (entity, key, op, new_image, old_image, at) VALUES (?, ?, ?, ?, ?, ?)');
  }

  /**
   * Runs `fn` in an IMMEDIATE transaction: the write lock is taken before the first read, so a
   * read-modify-write in another process (the CLI next to the server) queues instead of interleaving.
   * Settles once the commit is on disk; only then do commit listeners hear of it (and only when events
   * were written), so nothing derives from a change that a power cut could still take back.
   */
  async write<T>(fn: () => T): Promise<T> {
    if (this.current) throw new Error('Outbox.write transactions do not nest');
    const tx = { at: Date.now(), appended: 0, firstSeq: 0 };
    this.current = tx;
    let result: T;
    try {
      result = this.db.transaction(fn).immediate();
    } finally {
      this.current = null;
    }
    if (tx.appended > 0) this.unsynced.add(tx.firstSeq);
    try {
      await this.durable();
    } finally {
      this.unsynced.delete(tx.firstSeq);
    }
    if (tx.appended > 0) this.notify();
    return result;
  }

  /**
   * The feed delivers events before this seq: a commit of this process is held back until its sync, so a
   * derived store never applies (and saves a position past) a change the record could still lose, which
   * would make it skip the event that later takes that seq. Commits of other processes (the CLI) are
   * synced by them as they commit.
   */
  deliverableBefore(): number {
    let first = Infinity;
    for (const seq of this.unsynced) if (seq < first) first = seq;
    return first;
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
    const { lastInsertRowid } = this.insertEvent.run(change.entity, change.key, change.op, newImage, oldImage, tx.at);
    if (tx.appended++ === 0) tx.firstSeq = Number(lastInsertRowid);
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
