import type { Order } from '../domain/order.js';
import type { Page, PageRequest } from './page.js';

export interface PlaceResult {
  order: Order;
  /** False when the idempotency key had already placed an order: that order is returned and nothing is written. */
  created: boolean;
}

export interface PlaceOptions {
  /**
   * The version of each book the order's lines were priced from. When given, the order is placed only
   * if every one of them is still at that version, so a price read from a cache is never charged
   * after it changed.
   */
  pricedAt?: ReadonlyMap<string, number>;
}

/** Orders in the system of record. Every write also records an `order` (and `cart`) change event. */
export interface Orders {
  /**
   * In one transaction: if `order.userId` already placed an order with `order.idempotencyKey`, returns
   * it unchanged; otherwise, if the user's cart is still at `cartVersion` (and the books at
   * `pricedAt`), writes the order and empties the cart. ConflictError `cart-changed` when the cart
   * moved on since it was priced, `prices-changed` when a book did (or is gone).
   */
  place(order: Order, cartVersion: number, options?: PlaceOptions): Promise<PlaceResult>;
  findByIdempotencyKey(userId: string, key: string): Promise<Order | null>;
  /** One of `userId`'s orders; null when it does not exist or is someone else's. */
  get(userId: string, id: string): Promise<Order | null>;
  /** A user's orders, newest first. */
  listByUser(userId: string, request: PageRequest): Promise<Page<Order>>;
}
