import { ConflictError } from './errors.js';

/** placed → paid → shipped → delivered, or → cancelled before delivery. */
export const ORDER_STATUSES = ['placed', 'paid', 'shipped', 'delivered', 'cancelled'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export type StatusActor = { role: 'customer' | 'admin'; userId: string };

export interface StatusChange {
  status: OrderStatus;
  /** ISO 8601 time of the change. */
  at: string;
  by: StatusActor;
}

/** What the order keeps of a charge: never the card number, only its last four digits. */
export interface PaymentRecord {
  provider: string;
  reference: string;
  cardLast4: string;
}

/** Where an admin may move an order from each status. */
const ADMIN_MOVES: Record<OrderStatus, readonly OrderStatus[]> = {
  placed: ['paid', 'cancelled'],
  paid: ['shipped', 'cancelled'],
  shipped: ['delivered', 'cancelled'],
  delivered: [],
  cancelled: [],
};

/** A customer may only cancel, and only before the order ships. */
const CUSTOMER_MOVES: Record<OrderStatus, readonly OrderStatus[]> = {
  placed: ['cancelled'],
  paid: ['cancelled'],
  shipped: [],
  delivered: [],
  cancelled: [],
};

export function allowedMoves(role: StatusActor['role'], from: OrderStatus): readonly OrderStatus[] {
  return (role === 'admin' ? ADMIN_MOVES : CUSTOMER_MOVES)[from];
}

/** Throws ConflictError `status-transition` unless `role` may move an order from `from` to `to`. */
export function assertMove(role: StatusActor['role'], from: OrderStatus, to: OrderStatus): void {
  if (allowedMoves(role, from).includes(to)) return;
  const allowed = allowedMoves(role, from);
  const who = role === 'admin' ? 'an admin' : 'a customer';
  const detail =
    allowed.length === 0
      ? `${who} cannot change an order that is ${from}`
      : `${who} can move an order that is ${from} only to ${allowed.join(' or ')}, not to ${to}`;
  throw new ConflictError('status-transition', detail, 'status');
}

/** The order's status has moved on since it was read: the caller should read it again. */
export function statusChanged(): ConflictError {
  return new ConflictError('status-changed', 'the order changed status meanwhile; read it again');
}
