import { Link, useParams, useSearchParams } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError } from '../api/client';
import { useApi, useSession, userKey } from '../app/services';
import { formatDate, OrderLines } from '../components/OrderDetails';
import { customerMayCancel, OrderStatusBadge, StatusHistory } from '../components/order-status';
import { describeError, ErrorNotice, Loading, SkeletonLines } from '../components/ui';
import { useDocumentTitle } from '../lib/hooks';
import { addressLines } from './checkout/address-format';

export default function OrderPage() {
  const api = useApi();
  const session = useSession();
  const orderId = useParams().id ?? '';
  const justPlaced = useSearchParams()[0].get('placed') === '1';
  useDocumentTitle(justPlaced ? 'Order placed' : 'Order');
  const order = useQuery({ queryKey: userKey(session, 'order', orderId), queryFn: ({ signal }) => api.order(orderId, signal) });
  const queryClient = useQueryClient();
  const cancel = useMutation({
    mutationFn: () => api.cancelOrder(orderId),
    onSuccess: (cancelled) => {
      queryClient.setQueryData(userKey(session, 'order', orderId), cancelled);
      void queryClient.invalidateQueries({ queryKey: userKey(session, 'orders') });
    },
    // Refused: the order moved on (shipped, or cancelled by the shop) since this page read it.
    onError: () => void order.refetch(),
  });

  function onCancel() {
    if (window.confirm('Cancel this order? We will not ship it, and this cannot be undone.')) cancel.mutate();
  }

  return (
    <>
      {justPlaced ? (
        <div className="confirmation">
          <h1>Thank you, your order is placed</h1>
          <p>We have your order. You can find it any time under <Link to="/orders">Orders</Link>.</p>
        </div>
      ) : (
        <h1>Order</h1>
      )}
      {order.isPending ? (
        <Loading label="Loading the order…">
          <SkeletonLines count={4} />
        </Loading>
      ) : order.error ? (
        <ErrorNotice error={order.error} onRetry={() => void order.refetch()} />
      ) : (
        <section className="panel" aria-labelledby="order-heading">
          <h2 id="order-heading">
            Order <span className="mono">{order.data.id}</span>
          </h2>
          <p className="muted">Placed {formatDate(order.data.createdAt)}</p>
          <p>
            Status: <OrderStatusBadge status={order.data.status} />
            {order.data.payment && <span className="muted"> · paid with the card ending {order.data.payment.cardLast4}</span>}
          </p>
          <h3>History</h3>
          <StatusHistory history={order.data.statusHistory} viewer="customer" />
          <div role="status">
            {cancel.isSuccess && order.data.status === 'cancelled' && (
              <p className="notice notice-ok">Your order is cancelled. We will not ship it, and its books are back on the shelf.</p>
            )}
          </div>
          {customerMayCancel(order.data.status) && (
            <p>
              <button type="button" className="button button-danger" disabled={cancel.isPending} onClick={onCancel}>
                {cancel.isPending ? 'Cancelling…' : 'Cancel this order'}
              </button>{' '}
              <span className="muted small">You can cancel until the order ships.</span>
            </p>
          )}
          {cancel.error && (
            <div className="notice notice-error" role="alert">
              <p>
                {cancel.error instanceof ApiError && cancel.error.status === 409
                  ? 'This order can no longer be cancelled: its status changed meanwhile. The status shown here is up to date.'
                  : describeError(cancel.error)}
              </p>
            </div>
          )}
          <OrderLines order={order.data} />
          {order.data.shippingAddress && (
            <>
              <h3>Shipping to</h3>
              <address>
                {addressLines(order.data.shippingAddress).map((line, i) => (
                  <span key={i} className="address-line">
                    {line}
                  </span>
                ))}
              </address>
            </>
          )}
        </section>
      )}
      <p>
        <Link to="/">Continue shopping</Link>
      </p>
    </>
  );
}
