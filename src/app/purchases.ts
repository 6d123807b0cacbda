import type { Order } from '../domain/order.js';
import { soldLines } from '../domain/sales.js';
import type { Orders } from '../ports/orders.js';

/** Orders read per page while looking for a purchase; a customer's order history is short. */
const PAGE = 100;

/**
 * Whether an order counts as buying its books: the one place that says so, for reviews. A cancelled
 * order does not (the same rule as the bestseller board's, soldLines).
 */
export function orderCountsAsPurchase(order: Order): boolean {
  return soldLines(order).length > 0;
}

/** Whether the customer bought the book: the rule that decides who may review it. */
export async function customerBoughtBook(orders: Orders, userId: string, bookId: string): Promise<boolean> {
  let cursor: string | undefined;
  do {
    const page = await orders.listByUser(userId, { cursor, limit: PAGE });
    if (page.items.some((o) => orderCountsAsPurchase(o) && o.lines.some((l) => l.bookId === bookId))) return true;
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return false;
}
