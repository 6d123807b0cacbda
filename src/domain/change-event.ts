import type { Book } from './book.js';
import type { Cart } from './cart.js';
import type { Friendship } from './friendship.js';
import type { Order } from './order.js';
import type { Review } from './review.js';
import type { User } from './user.js';

/** The entities of the system of record, with the image each one's change events carry. */
export interface EntityImages {
  book: Book;
  user: User;
  cart: Cart;
  order: Order;
  friendship: Friendship;
  review: Review;
}
export type EntityName = keyof EntityImages;

/** DynamoDB Streams' INSERT / MODIFY / REMOVE, in our words. */
export type ChangeOp = 'insert' | 'modify' | 'remove';

/**
 * One committed change, as every feed delivers it: the twin of a DynamoDB Streams record with
 * NEW_AND_OLD_IMAGES. Projections need nothing more.
 */
export type Change = {
  [E in EntityName]: {
    entity: E;
    key: string;
    op: ChangeOp;
    newImage: EntityImages[E] | null;
    oldImage: EntityImages[E] | null;
    /** Commit time, epoch milliseconds (DynamoDB Streams: approximate, to the second or coarser). */
    at: number;
  };
}[EntityName];

/**
 * A change at its place in a numbered log (the embedded outbox, written in the same transaction as
 * the change itself). DynamoDB Streams positions are per shard and not numbers; see the stream poller.
 */
export type ChangeEvent = Change & {
  /** Position in the feed: strictly increasing in commit order. */
  seq: number;
};

export function isEvent<E extends EntityName>(e: Change, entity: E): e is Extract<Change, { entity: E }> {
  return e.entity === entity;
}
