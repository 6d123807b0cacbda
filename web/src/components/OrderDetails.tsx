import { Link } from 'react-router';
import type { Order } from '../api/types';
import { bookPath } from './books';
import { Price } from './ui';
import { formatDate as formatStorefrontDate } from '../lib/format';

/** An order's time: the storefront's one date format, with the time of day. */
export function formatDate(iso: string): string {
  return formatStorefrontDate(iso, { time: true });
}

export function OrderLines({ order }: { order: Order }) {
  return (
    <table className="order-table">
      <caption className="visually-hidden">Books in order {order.id}</caption>
      <thead>
        <tr>
          <th scope="col">Book</th>
          <th scope="col" className="num">
            Price
          </th>
          <th scope="col" className="num">
            Qty
          </th>
          <th scope="col" className="num">
            Total
          </th>
        </tr>
      </thead>
      <tbody>
        {order.lines.map((l) => (
          <tr key={l.bookId}>
            <td>
              <Link to={bookPath(l.bookId)}>{l.title}</Link>
            </td>
            <td className="num" data-label="Price">
              <Price amount={l.unitPrice} currency={order.currency} />
            </td>
            <td className="num" data-label="Qty">
              {l.quantity}
            </td>
            <td className="num" data-label="Total">
              <Price amount={l.lineTotal} currency={order.currency} />
            </td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row" colSpan={3}>
            Total ({order.itemCount} {order.itemCount === 1 ? 'item' : 'items'})
          </th>
          <td className="num">
            <strong>
              <Price amount={order.total} currency={order.currency} />
            </strong>
          </td>
        </tr>
      </tfoot>
    </table>
  );
}
