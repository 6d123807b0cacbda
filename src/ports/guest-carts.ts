import type { GuestCart } from '../domain/guest-cart.js';

/**
 * Visitors' carts, kept apart from customers' carts: a guest cart belongs to whoever holds its token,
 * lives until `expiresAt` (pushed forward by every change), and is taken whole when its visitor signs
 * in. Guest carts are short-lived session state, not part of the record any derived store is built
 * from, so their writes record no change events (like ISBN claims). An expired cart is treated as
 * absent by every method, whether or not the store has deleted it yet.
 */
export interface GuestCarts {
  /** Stores a new empty guest cart; ConflictError `guest-cart-exists` if the id is taken (never, with random tokens). */
  create(id: string, at: string, expiresAt: string): Promise<GuestCart>;
  /** The guest cart, or null when there is none or it expired before `now`. Lines in `inAddedOrder`. */
  get(id: string, now: string): Promise<GuestCart | null>;
  /**
   * Puts `quantity` copies of a book in the cart (adding or replacing the line) and moves its expiry
   * to `expiresAt`, in one atomic step; null when the cart is absent or expired at `at`.
   * ConflictError `cart-full` when it already holds CART_LIMITS.linesMax other books.
   */
  setLine(id: string, bookId: string, quantity: number, at: string, expiresAt: string): Promise<GuestCart | null>;
  /** Takes a book out (nothing to do if it is not there) and moves the expiry; null when absent or expired. */
  removeLine(id: string, bookId: string, at: string, expiresAt: string): Promise<GuestCart | null>;
  /**
   * Deletes the cart and returns what it held, atomically: of two concurrent takes only one gets the
   * lines. Null when absent or expired at `now`.
   */
  take(id: string, now: string): Promise<GuestCart | null>;
  /** Puts back a cart a failed merge took (same id, lines and expiry); does nothing if one exists again. */
  restore(cart: GuestCart): Promise<void>;
}
