import type { Order, OrderStatus } from '../api/types';
import { formatDate } from './OrderDetails';

const STATUS_NAMES: Record<OrderStatus, string> = {
  placed: 'Placed',
  paid: 'Paid',
  shipped: 'Shipped',
  delivered: 'Delivered',
  cancelled: 'Cancelled',
};

export function statusName(status: OrderStatus): string {
  return STATUS_NAMES[status];
}

export function OrderStatusBadge({ status }: { status: OrderStatus }) {
  return <strong className={`order-status order-status-${status}`}>{STATUS_NAMES[status]}</strong>;
}

/** Who made a change, as the reader of the history knows them. */
function actorName(by: Order['statusHistory'][number]['by'], viewer: 'customer' | 'admin'): string {
  if (by === 'admin') return viewer === 'admin' ? 'an admin' : 'the shop';
  return viewer === 'admin' ? 'the customer' : 'you';
}

/** Every status the order has had, oldest first, with when and by whom. */
export function StatusHistory({ history, viewer = 'admin' }: { history: Order['statusHistory']; viewer?: 'customer' | 'admin' }) {
  return (
    <ol className="status-history" aria-label="Status history">
      {history.map((change, i) => (
        <li key={i}>
          <strong>{STATUS_NAMES[change.status]}</strong> <time dateTime={change.at}>{formatDate(change.at)}</time>{' '}
          <span className="muted">by {actorName(change.by, viewer)}</span>
        </li>
      ))}
    </ol>
  );
}

/** What the customer may still do: cancel until the order ships (the server decides; this only offers). */
export function customerMayCancel(status: OrderStatus): boolean {
  return status === 'placed' || status === 'paid';
}
