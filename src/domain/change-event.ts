import type { Book } from './book.js';
import type { Cart } from './cart.js';
import type { Friendship } from './friendship.js';
import type { Order } from './order.js';
import type { User } from './user.js';

/** The entities of the system of record, with the image each one's change events carry. */
export interface EntityImages {
  book: Book;
  user: User;
  cart: Cart;
  order: Order;
  friendship: Friendship;
}
export type EntityName = keyof EntityImages;

/** DynamoDB Streams' INSERT / MODIFY / REMOVE, in our words. */
export type ChangeOp = 'insert' | 'modify' | 'remove';

/**
 * One committed change, written in the same transaction as the change itself: the embedded twin of
 * a DynamoDB Streams record with NEW_AND_OLD_IMAGES.
 */
export type ChangeEvent = {
  [E in EntityName]: {
    /** Position in the feed: strictly increasing in commit order. */
    seq: number;
    entity: E;
    key: string;
    op: ChangeOp;
    newImage: EntityImages[E] | null;
    oldImage: EntityImages[E] | null;
    /** Commit time, epoch milliseconds. */
    at: number;
  };
}[EntityName];

export function isEvent<E extends EntityName>(e: ChangeEvent, entity: E): e is Extract<ChangeEvent, { entity: E }> {
  return e.entity === entity;
}
