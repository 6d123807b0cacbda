import { NotFoundError } from '../domain/errors.js';
import type { Order } from '../domain/order.js';
import type { Orders } from '../ports/orders.js';
import type { Page, PageRequest } from '../ports/page.js';

export interface OrderDeps {
  orders: Orders;
}

export function orderUseCases({ orders }: OrderDeps) {
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
  };
}
