import type { Carts } from '../../ports/carts.js';
import type { Catalog } from '../../ports/catalog.js';
import type { ChangeFeed, Snapshots } from '../../ports/change-feed.js';
import type { Friendships } from '../../ports/friendships.js';
import type { Orders } from '../../ports/orders.js';
import type { Users } from '../../ports/users.js';
import { SqliteCarts } from './sqlite-carts.js';
import { BOOK_STOCK_SCHEMA, SqliteCatalog } from './sqlite-catalog.js';
import { SqliteChangeFeed, SqliteSnapshots } from './sqlite-change-feed.js';
import { migrate, openSqlite, type SqliteDatabase } from './sqlite-database.js';
import { SqliteFriendships } from './sqlite-friendships.js';
import { SqliteOrders } from './sqlite-orders.js';
import { Outbox } from './sqlite-outbox.js';
import { WalSync } from './wal-sync.js';
import { WalCheckpointer } from './sqlite-wal-checkpointer.js';
import { SqliteUsers } from './sqlite-users.js';
import { REVIEWS_SCHEMA, SqliteReviews } from './sqlite-reviews.js';
import type { Reviews } from '../../ports/reviews.js';
import type { GuestCarts } from '../../ports/guest-carts.js';
import { GUEST_CARTS_SCHEMA, SqliteGuestCarts } from './sqlite-guest-carts.js';

/**
 * Schema steps of the system of record (append-only, see `migrate`). Entities keep the columns their
 * queries need plus, where convenient, the entity itself as a JSON document.
 */
const SCHEMA: readonly string[] = [
  `
  CREATE TABLE books (
    id TEXT PRIMARY KEY,
    isbn TEXT NOT NULL UNIQUE,
    title_key TEXT NOT NULL,
    category TEXT NOT NULL,
    doc TEXT NOT NULL
  ) STRICT;
  CREATE INDEX books_by_title ON books (title_key, id);
  CREATE INDEX books_by_category_title ON books (category, title_key, id);

  CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    role TEXT NOT NULL,
    created_at TEXT NOT NULL,
    version INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX users_by_name ON users (name_key, id);

  -- Apart from users, so no query that reads a user (or writes its change event) can see a hash.
  CREATE TABLE credentials (
    user_id TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    password_hash TEXT NOT NULL
  ) STRICT;

  -- A cart with no lines is a tombstone that keeps the version counting.
  CREATE TABLE carts (
    user_id TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    lines TEXT NOT NULL
  ) STRICT;

  CREATE TABLE orders (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    doc TEXT NOT NULL,
    UNIQUE (user_id, idempotency_key)
  ) STRICT;
  CREATE INDEX orders_by_user ON orders (user_id, id DESC);

  CREATE TABLE friendships (
    user_a TEXT NOT NULL,
    user_b TEXT NOT NULL,
    doc TEXT NOT NULL,
    PRIMARY KEY (user_a, user_b)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX friendships_by_user_b ON friendships (user_b, user_a);

  -- AUTOINCREMENT: a position is never reused, even after the newest events are pruned.
  CREATE TABLE outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    entity TEXT NOT NULL,
    key TEXT NOT NULL,
    op TEXT NOT NULL CHECK (op IN ('insert', 'modify', 'remove')),
    new_image TEXT,
    old_image TEXT,
    at INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE outbox_pruned_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    at INTEGER NOT NULL
  ) STRICT;
  `,
  REVIEWS_SCHEMA,
  GUEST_CARTS_SCHEMA,
  BOOK_STOCK_SCHEMA,
];

export interface SqliteSystemOfRecord {
  readonly db: SqliteDatabase;
  catalog: Catalog;
  users: Users;
  carts: Carts;
  orders: Orders;
  friendships: Friendships;
  reviews: Reviews;
  guestCarts: GuestCarts;
  changeFeed: ChangeFeed;
  snapshots: Snapshots;
  close(): Promise<void>;
}

export interface SystemOfRecordOptions {
  /** Page cache of the connection, MiB (see SqliteOptions). */
  cacheMiB?: number | undefined;
  /**
   * `in-commit` (default): SQLite checkpoints the WAL inside the commit that fills it, as a short-lived
   * CLI wants; `background`: a worker thread does (WalCheckpointer), for a server whose event loop must
   * not stall on one.
   */
  checkpoints?: 'in-commit' | 'background';
}

/**
 * The embedded system of record: every entity and the outbox in one SQLite file; every write is on
 * disk (WalSync) before it is reported. Several processes may open the same file. Snapshots open
 * their own connections, so the file must be a real file, not `:memory:`.
 */
export function openSqliteSystemOfRecord(file: string, options: SystemOfRecordOptions = {}): SqliteSystemOfRecord {
  // Commits are made durable by WalSync off the event loop rather than by an fsync inside each COMMIT.
  const db = openSqlite(file, { durability: 'normal', cacheMiB: options.cacheMiB });
  try {
    migrate(db, SCHEMA);
  } catch (e) {
    db.close();
    throw e;
  }
  const wal = new WalSync(`${file}-wal`);
  const durable = () => wal.sync();
  const outbox = new Outbox(db, durable);
  const checkpointer = options.checkpoints === 'background' ? new WalCheckpointer(db, file) : null;
  const snapshots = new SqliteSnapshots(file, durable);
  return {
    db,
    catalog: new SqliteCatalog(db, outbox),
    users: new SqliteUsers(db, outbox),
    carts: new SqliteCarts(db, outbox),
    orders: new SqliteOrders(db, outbox),
    friendships: new SqliteFriendships(db, outbox),
    reviews: new SqliteReviews(db, outbox),
    guestCarts: new SqliteGuestCarts(db, durable),
    changeFeed: new SqliteChangeFeed(db, outbox),
    snapshots,
    async close() {
      await snapshots.closeAll();
      await checkpointer?.stop();
      await wal.close();
      if (db.open) db.close();
    },
  };
}
