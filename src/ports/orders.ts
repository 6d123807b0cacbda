import type { Order } from '../domain/order.js';
import type { Page, PageRequest } from './page.js';

export interface PlaceResult {
  order: Order;
  /** False when the idempotency key had already placed an order: that order is returned and nothing is written. */
  created: boolean;
}

/** Orders in the system of record. Every write also records an `order` (and `cart`) change event. */
export interface Orders {
  /**
   * In one transaction: if `order.userId` already placed an order with `order.idempotencyKey`, returns
   * it unchanged; otherwise, if the user's cart is still at `cartVersion`, writes the order and empties
   * the cart. ConflictError `cart-changed` when the cart moved on since it was priced.
   */
  place(order: Order, cartVersion: number): Promise<PlaceResult>;
  findByIdempotencyKey(userId: string, key: string): Promise<Order | null>;
  get(id: string): Promise<Order | null>;
  /** A user's orders, newest first. */
  listByUser(userId: string, request: PageRequest): Promise<Page<Order>>;
}
