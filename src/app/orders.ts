import { NotFoundError } from '../domain/errors.js';
import type { Order, OrderStatus } from '../domain/order.js';
import { assertMove, type StatusActor } from '../domain/order-status.js';
import type { Metrics } from '../ports/metrics.js';
import type { OrderListRequest, Orders } from '../ports/orders.js';
import type { Page, PageRequest } from '../ports/page.js';
import type { Payments } from '../ports/payments.js';

export interface OrderDeps {
  orders: Orders;
  payments: Payments;
  metrics: Metrics;
  now(): Date;
}

export function orderUseCases({ orders, payments, now }: OrderDeps) {
  /**
   * Moves an order as `by` may (ConflictError `status-transition` otherwise). A cancellation puts the
   * stock back in the same transaction and refunds a paid order once it is recorded; the bestseller
   * board learns of it from the change feed.
   */
  async function move(order: Order, status: OrderStatus, by: StatusActor): Promise<Order> {
    assertMove(by.role, order.status, status);
    const moved = await orders.changeStatus(order, { status, at: now().toISOString(), by });
    if (status === 'cancelled' && order.payment) await payments.refund(order.payment, order.total, order.currency);
    return moved;
  }

  return {
    async list(userId: string, request: PageRequest): Promise<Page<Order>> {
      return orders.listByUser(userId, request);
    },

    /** Someone else's order is reported missing, not forbidden, so order ids reveal nothing. */
    async get(userId: string, orderId: string): Promise<Order> {
      const order = await orders.get(userId, orderId);
      if (!order) throw new NotFoundError('order', orderId);
      return order;
    },

    /** The customer cancels one of their own orders before it ships; anyone else's is missing. */
    async cancel(userId: string, orderId: string): Promise<Order> {
      const order = await orders.get(userId, orderId);
      if (!order) throw new NotFoundError('order', orderId);
      return move(order, 'cancelled', { role: 'customer', userId });
    },

    async listAll(request: OrderListRequest): Promise<Page<Order>> {
      return orders.listAll(request);
    },

    /** An admin moves any order along placed → paid → shipped → delivered, or cancels it before delivery. */
    async setStatus(adminId: string, orderId: string, status: OrderStatus): Promise<Order> {
      const order = await orders.find(orderId);
      if (!order) throw new NotFoundError('order', orderId);
      return move(order, status, { role: 'admin', userId: adminId });
    },
  };
}
