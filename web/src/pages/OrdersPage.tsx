import { Link } from 'react-router';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useApi, useSession, userKey } from '../app/services';
import { formatDate, OrderLines } from '../components/OrderDetails';
import { OrderStatusBadge } from '../components/order-status';
import { EmptyState, ErrorNotice, Loading, SkeletonLines } from '../components/ui';
import { useDocumentTitle } from '../lib/hooks';

export default function OrdersPage() {
  useDocumentTitle('Your orders');
  const api = useApi();
  const session = useSession();
  const orders = useInfiniteQuery({
    queryKey: userKey(session, 'orders'),
    queryFn: ({ pageParam, signal }) => api.orders(pageParam, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
  const all = orders.data?.pages.flatMap((p) => p.items) ?? [];

  let body;
  if (orders.isPending) {
    body = (
      <Loading label="Loading your orders…">
        <SkeletonLines count={5} />
      </Loading>
    );
  } else if (orders.error && all.length === 0) {
    body = <ErrorNotice error={orders.error} onRetry={() => void orders.refetch()} />;
  } else if (all.length === 0) {
    body = (
      <EmptyState title="You have not ordered anything yet.">
        <p>
          Your orders will be listed here. <Link to="/">Start shopping</Link>
        </p>
      </EmptyState>
    );
  } else {
    body = (
      <>
        <ol className="orders" aria-label="Orders, newest first">
          {all.map((order) => (
            <li key={order.id} className="panel">
              <h2 className="order-heading">
                <Link to={`/orders/${encodeURIComponent(order.id)}`}>{formatDate(order.createdAt)}</Link>
                <span className="muted small mono">{order.id}</span>
              </h2>
              <p>
                Status: <OrderStatusBadge status={order.status} />
              </p>
              <OrderLines order={order} />
            </li>
          ))}
        </ol>
        {orders.error && <ErrorNotice error={orders.error} onRetry={() => void orders.fetchNextPage()} />}
        {orders.hasNextPage && (
          <button type="button" className="button button-secondary" disabled={orders.isFetchingNextPage} onClick={() => void orders.fetchNextPage()}>
            {orders.isFetchingNextPage ? 'Loading…' : 'Show older orders'}
          </button>
        )}
      </>
    );
  }
  return (
    <>
      <h1>Your orders</h1>
      {body}
    </>
  );
}
