import type { Cart, CartLine } from '../domain/cart.js';

/** Customers' carts in the system of record. Every write also records a `cart` change event. */
export interface Carts {
  /** The stored cart, or an empty cart at version 0. Lines come in the order of `inAddedOrder`. */
  get(userId: string): Promise<Cart>;
  /**
   * Replaces the cart's lines if it is still at `expectedVersion`, bumping the version; otherwise
   * PreconditionFailedError (the use case re-reads and retries).
   */
  save(userId: string, lines: CartLine[], expectedVersion: number): Promise<Cart>;
  /**
   * Puts `quantity` copies of a book in the cart in one atomic step, whatever its version: adds the
   * line (first added `at`) or changes its quantity. Setting the quantity it has changes nothing.
   * ConflictError `cart-full` when the cart already holds CART_LIMITS.linesMax other books.
   */
  setLine(userId: string, bookId: string, quantity: number, at: string): Promise<Cart>;
  /** Takes a book out in one atomic step; taking out a book that is not there changes nothing. */
  removeLine(userId: string, bookId: string, at: string): Promise<Cart>;
  /**
   * Deletes the cart and every trace of it (an emptied cart's tombstone too), for an account being
   * deleted: a `cart` remove event when it held lines. False when there was nothing stored.
   */
  delete(userId: string): Promise<boolean>;
}
