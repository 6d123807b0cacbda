import type { Cart, CartLine } from '../domain/cart.js';

/** Customers' carts in the system of record. Every write also records a `cart` change event. */
export interface Carts {
  /** The stored cart, or an empty cart at version 0. */
  get(userId: string): Promise<Cart>;
  /**
   * Replaces the cart's lines if it is still at `expectedVersion`, bumping the version; otherwise
   * PreconditionFailedError (the use case re-reads and retries).
   */
  save(userId: string, lines: CartLine[], expectedVersion: number): Promise<Cart>;
}
