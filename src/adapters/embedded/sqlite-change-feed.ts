import type { Book } from '../../domain/book.js';
import type { ChangeEvent, ChangeOp, EntityName } from '../../domain/change-event.js';
import type { Friendship } from '../../domain/friendship.js';
import type { Order } from '../../domain/order.js';
import type { User } from '../../domain/user.js';
import type { ChangeFeed, Snapshot, SnapshotSource, Snapshots } from '../../ports/change-feed.js';
import { bookFromDoc } from './sqlite-catalog.js';
import { openSqlite, type SqliteDatabase, type SqliteStatement } from './sqlite-database.js';
import { friendshipFromDoc } from './sqlite-friendships.js';
import { orderFromDoc } from './sqlite-orders.js';
import { reviewFromDoc } from './sqlite-reviews.js';
import type { Review } from '../../domain/review.js';
import type { Outbox } from './sqlite-outbox.js';
import { userFromRow, type UserRow } from './sqlite-users.js';

interface OutboxRow {
  seq: number;
  entity: EntityName;
  key: string;
  op: ChangeOp;
  new_image: string | null;
  old_image: string | null;
  at: number;
}

/**
 * Images are parsed when first read: every projection reads every event, and most skip the entities
 * they do not follow (after an import, the bestsellers and the graph skip every book), so parsing
 * up front spent most of a catch-up's reading on images nobody looked at.
 */
function eventFromRow(row: OutboxRow): ChangeEvent {
  let newImage: unknown;
  let oldImage: unknown;
  return {
    seq: row.seq,
    entity: row.entity,
    key: row.key,
    op: row.op,
    get newImage() {
      if (newImage === undefined) newImage = row.new_image === null ? null : JSON.parse(row.new_image);
      return newImage;
    },
    get oldImage() {
      if (oldImage === undefined) oldImage = row.old_image === null ? null : JSON.parse(row.old_image);
      return oldImage;
    },
    at: row.at,
  } as ChangeEvent;
}

type Head = { seq: number; at: number };

/**
 * The newest event's position and time. Pruning may have emptied the outbox; then the head is the
 * newest pruned event, remembered in `outbox_pruned_head`, so positions never go back to 0 while
 * consumers' checkpoints point past them.
 */
function headQuery(db: SqliteDatabase): SqliteStatement<[], Head> {
  return db.prepare(
    `SELECT seq, at FROM (
       SELECT seq, at FROM (SELECT seq, at FROM outbox ORDER BY seq DESC LIMIT 1)
       UNION ALL SELECT seq, at FROM outbox_pruned_head
       UNION ALL SELECT 0, 0
     ) ORDER BY seq DESC LIMIT 1`,
  );
}

/** The outbox table as the change feed. */
export class SqliteChangeFeed implements ChangeFeed {
  private readonly readAfter: SqliteStatement<[number, number], OutboxRow>;
  private readonly headStmt: SqliteStatement<[], Head>;
  private readonly deleteUpTo: SqliteStatement<[number, number]>;
  private readonly rememberHead: SqliteStatement<[number, number]>;

  constructor(
    db: SqliteDatabase,
    private readonly outbox: Outbox,
  ) {
    this.readAfter = db.prepare('SELECT seq, entity, key, op, new_image, old_image, at FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?');
    this.headStmt = headQuery(db);
    this.deleteUpTo = db.prepare('DELETE FROM outbox WHERE seq <= ? AND at < ?');
    this.rememberHead = db.prepare(
      'INSERT INTO outbox_pruned_head (id, seq, at) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, at = excluded.at',
    );
  }

  async read(after: number, limit: number): Promise<ChangeEvent[]> {
    const rows = this.readAfter.all(after, limit);
    const before = this.outbox.deliverableBefore();
    const end = before === Infinity ? rows.length : rows.findIndex((row) => row.seq >= before);
    return (end < 0 ? rows : rows.slice(0, end)).map(eventFromRow);
  }

  async head(): Promise<{ seq: number; at: number }> {
    return this.headStmt.get()!;
  }

  onCommit(listener: () => void): () => void {
    return this.outbox.onCommit(listener);
  }

  async prune(upTo: number, olderThan: number): Promise<number> {
    // No event is written, so this runs as a plain write transaction and wakes no consumer.
    return this.outbox.write(() => {
      const head = this.headStmt.get()!;
      const removed = this.deleteUpTo.run(upTo, olderThan).changes;
      if (removed > 0 && head.seq <= upTo && head.at < olderThan) this.rememberHead.run(head.seq, head.at);
      return removed;
    });
  }
}

const SNAPSHOT_TABLES: Record<SnapshotSource, string> = { books: 'books', users: 'users', orders: 'orders', friendships: 'friendships', reviews: 'reviews' };

/** Rows per query while streaming a snapshot: bounded memory, few round trips. */
const SNAPSHOT_BATCH = 500;

/**
 * A read transaction on its own read-only connection. WAL mode gives it one point in time, fixed
 * by its first read (the head), while the writer goes on committing. Rows are read in keyset pages
 * rather than through one open cursor, so a consumer may interleave the iterators and await between
 * rows without leaving the connection busy.
 */
class SqliteSnapshot implements Snapshot {
  readonly position: number;
  private readonly booksPage: SqliteStatement<[string, number], { id: string; doc: string }>;
  private readonly usersPage: SqliteStatement<[string, number], UserRow>;
  private readonly ordersPage: SqliteStatement<[string, number], { id: string; doc: string }>;
  private readonly friendshipsPage: SqliteStatement<[string, string, number], { user_a: string; user_b: string; doc: string }>;
  private readonly reviewsPage: SqliteStatement<[string, string, number], { book_id: string; user_id: string; doc: string }>;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly onClose: () => void,
  ) {
    db.exec('BEGIN');
    this.position = headQuery(db).get()!.seq;
    this.booksPage = db.prepare('SELECT id, doc FROM books WHERE id > ? ORDER BY id LIMIT ?');
    this.usersPage = db.prepare('SELECT id, email, name, role, created_at, version FROM users WHERE id > ? ORDER BY id LIMIT ?');
    this.ordersPage = db.prepare('SELECT id, doc FROM orders WHERE id > ? ORDER BY id LIMIT ?');
    this.reviewsPage = db.prepare('SELECT book_id, user_id, doc FROM reviews WHERE (book_id, user_id) > (?, ?) ORDER BY book_id, user_id LIMIT ?');
    this.friendshipsPage = db.prepare(
      'SELECT user_a, user_b, doc FROM friendships WHERE (user_a, user_b) > (?, ?) ORDER BY user_a, user_b LIMIT ?',
    );
  }

  async *books(): AsyncIterable<Book> {
    for (let after = ''; ; ) {
      const rows = this.page(() => this.booksPage.all(after, SNAPSHOT_BATCH));
      for (const row of rows) yield bookFromDoc(row.doc);
      if (rows.length < SNAPSHOT_BATCH) return;
      after = rows.at(-1)!.id;
    }
  }

  async *users(): AsyncIterable<User> {
    for (let after = ''; ; ) {
      const rows = this.page(() => this.usersPage.all(after, SNAPSHOT_BATCH));
      for (const row of rows) yield userFromRow(row);
      if (rows.length < SNAPSHOT_BATCH) return;
      after = rows.at(-1)!.id;
    }
  }

  async *orders(): AsyncIterable<Order> {
    for (let after = ''; ; ) {
      const rows = this.page(() => this.ordersPage.all(after, SNAPSHOT_BATCH));
      for (const row of rows) yield orderFromDoc(row.doc);
      if (rows.length < SNAPSHOT_BATCH) return;
      after = rows.at(-1)!.id;
    }
  }

  async *friendships(): AsyncIterable<Friendship> {
    for (let afterA = '', afterB = ''; ; ) {
      const rows = this.page(() => this.friendshipsPage.all(afterA, afterB, SNAPSHOT_BATCH));
      for (const row of rows) yield friendshipFromDoc(row.doc);
      if (rows.length < SNAPSHOT_BATCH) return;
      const last = rows.at(-1)!;
      [afterA, afterB] = [last.user_a, last.user_b];
    }
  }

  async *reviews(): AsyncIterable<Review> {
    for (let afterBook = '', afterUser = ''; ; ) {
      const rows = this.page(() => this.reviewsPage.all(afterBook, afterUser, SNAPSHOT_BATCH));
      for (const row of rows) yield reviewFromDoc(row.doc);
      if (rows.length < SNAPSHOT_BATCH) return;
      const last = rows.at(-1)!;
      [afterBook, afterUser] = [last.book_id, last.user_id];
    }
  }

  async count(source: SnapshotSource): Promise<number> {
    // `source` names one of our four tables; the map keeps any other text out of the SQL.
    const table = SNAPSHOT_TABLES[source];
    const [row] = this.page(() => [this.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }]);
    return row!.n;
  }

  /** Closing the connection ends the read transaction. */
  async close(): Promise<void> {
    if (!this.db.open) return;
    this.db.close();
    this.onClose();
  }

  private page<Row>(query: () => Row[]): Row[] {
    if (!this.db.open) throw new Error('the snapshot is closed');
    return query();
  }
}

/** Opens snapshots of the system of record file, each on a connection of its own. */
export class SqliteSnapshots implements Snapshots {
  private readonly openSnapshots = new Set<SqliteSnapshot>();

  constructor(
    private readonly file: string,
    /** Settles once every commit made so far is on disk (see WalSync). */
    private readonly durable: () => Promise<void>,
  ) {}

  async open(): Promise<Snapshot> {
    const db = openSqlite(this.file, { durability: 'normal', readonly: true });
    let snapshot: SqliteSnapshot;
    try {
      snapshot = new SqliteSnapshot(db, () => this.openSnapshots.delete(snapshot));
    } catch (e) {
      db.close();
      throw e;
    }
    this.openSnapshots.add(snapshot);
    try {
      // The snapshot's point in time is fixed (its head is read): a sync started now covers every commit
      // it can see, so a rebuild never takes in a write that a power cut could still undo.
      await this.durable();
    } catch (e) {
      await snapshot.close();
      throw e;
    }
    return snapshot;
  }

  /** Closes the snapshots still open, when the system of record closes. */
  async closeAll(): Promise<void> {
    await Promise.all([...this.openSnapshots].map((s) => s.close()));
  }
}
