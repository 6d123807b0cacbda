import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError } from '../../api/client';
import type { AdminOrder, OrderStatus } from '../../api/types';
import { useApi, useSession } from '../../app/services';
import { formatDate } from '../../components/OrderDetails';
import { OrderStatusBadge, StatusHistory } from '../../components/order-status';
import { Pager } from '../../components/Pager';
import { describeError, EmptyState, ErrorNotice, Loading, Price, SkeletonLines } from '../../components/ui';
import { useDocumentTitle } from '../../lib/hooks';
import { Forbidden } from './AdminPage';

const FILTERS: Array<{ value: OrderStatus | ''; label: string }> = [
  { value: '', label: 'Every status' },
  { value: 'placed', label: 'Placed (not paid)' },
  { value: 'paid', label: 'Paid, to ship' },
  { value: 'shipped', label: 'Shipped' },
  { value: 'delivered', label: 'Delivered' },
  { value: 'cancelled', label: 'Cancelled' },
];

/** The button for each move the server offers; the server still checks every one. */
const MOVE_LABELS: Record<OrderStatus, string> = {
  placed: 'Mark placed',
  paid: 'Mark paid',
  shipped: 'Mark shipped',
  delivered: 'Mark delivered',
  cancelled: 'Cancel order',
};

function isStatus(value: string | null): value is OrderStatus {
  return FILTERS.some((f) => f.value !== '' && f.value === value);
}

/** A refused move in words: the server's 409 detail says which moves the order allows. */
function moveFailure(orderId: string, error: unknown): string {
  if (error instanceof ApiError && error.status === 409 && error.problem?.detail) {
    return `The store refused this change to order ${orderId}: ${error.problem.detail}. The list now shows the orders as they are.`;
  }
  return `Order ${orderId} was not changed. ${describeError(error)}`;
}

interface Outcome {
  ok: boolean;
  text: string;
}

function OrderRow({ order, onOutcome }: { order: AdminOrder; onOutcome: (outcome: Outcome) => void }) {
  const api = useApi();
  const queryClient = useQueryClient();
  // Either way the list is read again: a refused move usually means the order moved meanwhile, and
  // a row may leave a filtered list, so the outcome is told above the table, not in the row.
  const move = useMutation({
    mutationFn: (status: OrderStatus) => api.setOrderStatus(order.id, status),
    onSuccess: (moved) => onOutcome({ ok: true, text: `Order ${moved.id} is now ${moved.status}.` }),
    onError: (error) => onOutcome({ ok: false, text: moveFailure(order.id, error) }),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: ['admin', 'orders'] }),
  });

  function onMove(status: OrderStatus) {
    if (status === 'cancelled' && !window.confirm(`Cancel order ${order.id}? Its copies go back in stock; this cannot be undone.`)) return;
    move.mutate(status);
  }

  return (
    <tr>
      <th scope="row" data-label="Order">
        <span className="mono small">{order.id}</span>
        <span className="muted small stacked">{formatDate(order.createdAt)}</span>
      </th>
      <td data-label="Customer">
        <span className="mono small">{order.userId}</span>
      </td>
      <td className="num" data-label="Items">
        {order.itemCount}
      </td>
      <td className="num" data-label="Total">
        <Price amount={order.total} currency={order.currency} />
      </td>
      <td data-label="Status">
        <OrderStatusBadge status={order.status} />
        <details className="small">
          <summary>
            History<span className="visually-hidden"> of order {order.id}</span>
          </summary>
          <StatusHistory history={order.statusHistory} />
        </details>
      </td>
      <td data-label="Change">
        {order.nextStatuses.length === 0 ? (
          <span className="muted small">Final</span>
        ) : (
          <div className="actions">
            {order.nextStatuses.map((status) => (
              <button
                key={status}
                type="button"
                className={status === 'cancelled' ? 'button button-danger' : 'button button-secondary'}
                disabled={move.isPending}
                onClick={() => onMove(status)}
              >
                {MOVE_LABELS[status]}
                <span className="visually-hidden"> {order.id}</span>
              </button>
            ))}
          </div>
        )}
      </td>
    </tr>
  );
}

function Orders() {
  const api = useApi();
  const [params, setParams] = useSearchParams();
  const raw = params.get('status');
  const status = isStatus(raw) ? raw : undefined;
  const cursor = params.get('cursor') ?? undefined;
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  const orders = useQuery({
    queryKey: ['admin', 'orders', status ?? null, cursor ?? null],
    queryFn: ({ signal }) => api.adminOrders({ status, cursor }, signal),
    placeholderData: keepPreviousData,
    staleTime: 0,
  });

  function onFilter(value: string) {
    setOutcome(null);
    const next = new URLSearchParams();
    if (value) next.set('status', value);
    setParams(next);
  }

  let body;
  if (orders.isPending) {
    body = (
      <Loading label="Loading orders…">
        <SkeletonLines count={6} />
      </Loading>
    );
  } else if (orders.error) {
    body = <ErrorNotice error={orders.error} onRetry={() => void orders.refetch()} />;
  } else if (orders.data.items.length === 0) {
    body = <EmptyState title={status ? `No orders are ${status}.` : 'Nobody has ordered anything yet.'} />;
  } else {
    body = (
      <>
        <table className="data-table stack-table">
          <caption className="visually-hidden">Orders{status ? ` that are ${status}` : ''}, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Order</th>
              <th scope="col">Customer</th>
              <th scope="col" className="num">
                Items
              </th>
              <th scope="col" className="num">
                Total
              </th>
              <th scope="col">Status</th>
              <th scope="col">Change</th>
            </tr>
          </thead>
          <tbody>
            {orders.data.items.map((order) => (
              <OrderRow key={order.id} order={order} onOutcome={setOutcome} />
            ))}
          </tbody>
        </table>
        <Pager params={params} nextCursor={orders.data.nextCursor} label="Pages of orders" />
      </>
    );
  }

  return (
    <section className="panel" aria-labelledby="orders-heading">
      <h2 id="orders-heading" className="visually-hidden">
        Orders
      </h2>
      <form className="inline-form" aria-label="Filter orders" onSubmit={(e) => e.preventDefault()}>
        <label htmlFor="order-status-filter">Status</label>
        <select id="order-status-filter" value={status ?? ''} onChange={(e) => onFilter(e.target.value)}>
          {FILTERS.map((f) => (
            <option key={f.value} value={f.value}>
              {f.label}
            </option>
          ))}
        </select>
      </form>
      <div role="status">{outcome?.ok && <p className="notice notice-ok">{outcome.text}</p>}</div>
      {outcome && !outcome.ok && (
        <p className="notice notice-error" role="alert">
          {outcome.text}
        </p>
      )}
      {body}
    </section>
  );
}

export default function AdminOrdersPage() {
  useDocumentTitle('Orders · Admin');
  const session = useSession();
  if (!session) return null;
  if (session.user.role !== 'admin') return <Forbidden email={session.user.email} />;
  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/admin">Admin</Link> <span aria-hidden="true">›</span> <span>Orders</span>
      </nav>
      <h1>Orders</h1>
      <Orders />
    </>
  );
}
