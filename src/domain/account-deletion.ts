import { newId } from './ids.js';
import type { Order } from './order.js';

/**
 * What deleting an account leaves of it: nothing but its orders, which the shop keeps for its books
 * with the person taken out. Each kept order gets a customer id of its own (a pseudonym no account has
 * and no other order shares), so the orders of one deleted person cannot even be linked to each other.
 */
const PSEUDONYM_PREFIX = 'deleted-';

/** A fresh pseudonym: 80 random bits and no time, so orders anonymised together do not share a prefix. */
export function newPseudonym(): string {
  return `${PSEUDONYM_PREFIX}${newId(0).slice(10)}`;
}

/** Whether the order's customer deleted their account: such orders belong to nobody and feed no one's graph. */
export function isAnonymisedOrder(order: Pick<Order, 'userId'>): boolean {
  return order.userId.startsWith(PSEUDONYM_PREFIX);
}

/**
 * The order as the shop keeps it after its customer deleted their account: lines, amounts, statuses
 * and the payment reference stay (bookkeeping needs them, and the card's last four digits identify
 * nobody); the shipping address (name, street, city) goes, and every trace of the customer's id (the
 * owner, the customer's own status changes, the idempotency key the customer's browser chose) is
 * replaced by the pseudonym. An admin's id in the history is the admin's, and stays.
 */
export function anonymiseOrder(order: Order, pseudonym: string): Order {
  return {
    ...order,
    userId: pseudonym,
    shippingAddress: null,
    idempotencyKey: `${pseudonym}-${order.id}`,
    statusHistory: order.statusHistory.map((change) => (change.by.userId === order.userId ? { ...change, by: { ...change.by, userId: pseudonym } } : change)),
  };
}
