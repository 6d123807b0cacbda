import type { Book } from '../domain/book.js';
import type { ChangeEvent } from '../domain/change-event.js';
import type { Friendship } from '../domain/friendship.js';
import type { Order } from '../domain/order.js';
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

export type SnapshotSource = 'books' | 'users' | 'orders' | 'friendships';

/** A consistent, point-in-time read of the system of record, for rebuilding derived stores. */
export interface Snapshot {
  /** The feed position the snapshot reflects: every event up to it is included, none after. */
  readonly position: number;
  books(): AsyncIterable<Book>;
  users(): AsyncIterable<User>;
  orders(): AsyncIterable<Order>;
  friendships(): AsyncIterable<Friendship>;
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
