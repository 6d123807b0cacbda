import type { Order } from './order.js';

export interface SoldLine {
  bookId: string;
  category: string;
  quantity: number;
}

/**
 * What an order puts on the bestseller board: each line's quantity under the category it was sold
 * in, and nothing once the order is cancelled. The one rule for "units sold": the projection counts
 * with it, and an audit comparing the board with the orders must too.
 */
export function soldLines(order: Pick<Order, 'lines' | 'status'>): SoldLine[] {
  if (order.status === 'cancelled') return [];
  return order.lines.map((l) => ({ bookId: l.bookId, category: l.category, quantity: l.quantity }));
}

/** Whether a change of `before` into `after` cancels a sale the board had counted. */
export function cancelsSale(before: Pick<Order, 'status'> | null, after: Pick<Order, 'status'> | null): boolean {
  return after?.status === 'cancelled' && before !== null && before.status !== 'cancelled';
}
