import type { Order, OrderStatus, StatusChange } from '../domain/order.js';
import type { Page, PageRequest } from './page.js';

export interface PlaceResult {
  order: Order;
  /** False when the idempotency key had already placed an order: that order is returned and nothing is written. */
  created: boolean;
}

export interface PlaceOptions {
  /**
   * Whether the order takes its copies from the books' stock. When true, the order is placed only if
   * every book of its lines still sells at the line's price and currency (`prices-changed`
   * otherwise, so a price read from a cache is never charged after it changed) and each book whose
   * stock is counted holds the line's quantity (OutOfStockError otherwise); those copies leave the
   * stock in the same transaction. `countedStock` names the books whose stock was counted when
   * priced (adapters that cannot read in the transaction build their conditions from it).
   */
  takeStock?: { countedStock: ReadonlySet<string> };
}

export interface OrderListRequest extends PageRequest {
  status?: OrderStatus | undefined;
}

/** Orders in the system of record. Every write also records an `order` (and `cart`, `book`) change event. */
export interface Orders {
  /**
   * In one transaction: if `order.userId` already placed an order with `order.idempotencyKey`, returns
   * it unchanged; otherwise, if the user's cart is still at `cartVersion` (and the books pass the
   * `takeStock` checks), writes the order, takes its stock and empties the cart. ConflictError
   * `cart-changed` when the cart moved on since it was priced, `prices-changed` when a book did (or is
   * gone), OutOfStockError when a book has too few copies.
   */
  place(order: Order, cartVersion: number, options?: PlaceOptions): Promise<PlaceResult>;
  findByIdempotencyKey(userId: string, key: string): Promise<Order | null>;
  /** One of `userId`'s orders; null when it does not exist or is someone else's. */
  get(userId: string, id: string): Promise<Order | null>;
  /** Anyone's order, for admins; null when it does not exist. */
  find(id: string): Promise<Order | null>;
  /** A user's orders, newest first. */
  listByUser(userId: string, request: PageRequest): Promise<Page<Order>>;
  /** Every customer's orders, newest first, optionally only those of one status (admins). */
  listAll(request: OrderListRequest): Promise<Page<Order>>;
  /**
   * In one transaction: moves `order` (as the caller read it) to `change.status` and appends `change`
   * to its history, only if the stored order is still at `order.status` (ConflictError
   * `status-changed` otherwise). A move to `cancelled` puts the order's copies back on every book that
   * still exists and counts its stock. Returns the order as stored.
   */
  changeStatus(order: Order, change: StatusChange): Promise<Order>;
  /**
   * In one transaction: replaces the user's order by `anonymiseOrder(stored order, pseudonym)`, so
   * nothing keyed by the customer's id is left of it, its idempotency key included, and returns it.
   * An `order` event carries the change (on DynamoDB, where the customer id is in the key, a remove
   * and an insert). NotFoundError when the order is not (or no longer) the user's.
   */
  anonymise(userId: string, orderId: string, pseudonym: string): Promise<Order>;
}
