import { Link, useParams, useSearchParams } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useApi, useSession, userKey } from '../app/services';
import { formatDate, OrderLines } from '../components/OrderDetails';
import { ErrorNotice, Loading, SkeletonLines } from '../components/ui';
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
  });

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
            Status: <strong className={`order-status order-status-${order.data.status}`}>{order.data.status}</strong>
            {order.data.payment && <span className="muted"> · paid with the card ending {order.data.payment.cardLast4}</span>}
          </p>
          <ol className="status-history" aria-label="Status history">
            {order.data.statusHistory.map((change, i) => (
              <li key={i}>
                {change.status}, {formatDate(change.at)}
                {change.by === 'admin' ? ' (by the shop)' : ''}
              </li>
            ))}
          </ol>
          {(order.data.status === 'placed' || order.data.status === 'paid') && (
            <p>
              <button type="button" className="button" disabled={cancel.isPending} onClick={() => cancel.mutate()}>
                {cancel.isPending ? 'Cancelling…' : 'Cancel this order'}
              </button>
            </p>
          )}
          {cancel.error && <ErrorNotice error={cancel.error} />}
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
