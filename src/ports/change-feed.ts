import type { Book } from '../domain/book.js';
import type { ChangeEvent } from '../domain/change-event.js';
import type { Friendship } from '../domain/friendship.js';
import type { Order } from '../domain/order.js';
import type { Review } from '../domain/review.js';
import type { User } from '../domain/user.js';

/** The ordered log of committed changes (embedded: the outbox table; AWS: DynamoDB Streams). */
export interface ChangeFeed {
  /** Up to `limit` events with `seq > after`, oldest first. */
  read(after: number, limit: number): Promise<ChangeEvent[]>;
  /** The newest event's position and commit time; position 0 when the feed is empty. */
  head(): Promise<{ seq: number; at: number }>;
  /** Calls `listener` after this process commits changes, so consumers can wake without polling. */
  onCommit(listener: () => void): () => void;
  /** Drops events with `seq <= upTo` and commit time before `olderThan` (epoch ms); returns how many. */
  prune(upTo: number, olderThan: number): Promise<number>;
}

export type SnapshotSource = 'books' | 'users' | 'orders' | 'friendships' | 'reviews';

/** A consistent, point-in-time read of the system of record, for rebuilding derived stores. */
export interface Snapshot {
  /** The feed position the snapshot reflects: every event up to it is included, none after. */
  readonly position: number;
  books(): AsyncIterable<Book>;
  users(): AsyncIterable<User>;
  orders(): AsyncIterable<Order>;
  friendships(): AsyncIterable<Friendship>;
  reviews(): AsyncIterable<Review>;
  /**
   * How many records the source's iterator yields, for progress. Exact while nothing is written; an
   * engine that cannot count at the snapshot's point in time may count the current records instead.
   */
  count(source: SnapshotSource): Promise<number>;
  close(): Promise<void>;
}

export interface Snapshots {
  open(): Promise<Snapshot>;
}

/**
 * The record read a page at a time from a cursor that outlives the process, for rebuilds split into
 * chunks (a Lambda invocation each). Not a snapshot: a record written while the pages are read may be
 * seen at its old or new version, so the reader must make writes after its first page reach what it
 * builds by other means (a staged store every writer also writes to, and a replay of the feed).
 */
export interface RecordPages {
  /** About `limit` books after `cursor` (null: from the start), and the cursor of the rest (null: none left). */
  books(cursor: string | null, limit: number): Promise<{ items: Book[]; next: string | null }>;
  /** How many records of `source` there are now (for progress). */
  count(source: SnapshotSource): Promise<number>;
}
