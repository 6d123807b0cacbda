import { Link } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Cart, CartLine } from '../api/types';
import { useApi, useSession } from '../app/services';
import { CartSummary, useCartKey } from '../components/cart';
import { bookPath } from '../components/books';
import { Cover } from '../components/Cover';
import { CartStockWarning } from '../components/stock-warnings';
import { describeError, EmptyState, ErrorNotice, Loading, Price, SkeletonLines } from '../components/ui';
import { useDocumentTitle } from '../lib/hooks';

/** The server's own limit per line. */
const MAX_QUANTITY = 99;
const QUANTITIES = Array.from({ length: MAX_QUANTITY }, (_, i) => i + 1);

function CartLineRow({ line }: { line: CartLine }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const cartKey = useCartKey();
  const onSuccess = (cart: Cart) => queryClient.setQueryData(cartKey, cart);
  const setQuantity = useMutation({ mutationFn: (quantity: number) => api.setCartQuantity(line.bookId, quantity), onSuccess });
  const remove = useMutation({ mutationFn: () => api.removeFromCart(line.bookId), onSuccess });
  const busy = setQuantity.isPending || remove.isPending;
  const title = line.title ?? 'A book no longer in the catalog';
  const selectId = `quantity-${line.bookId}`;
  const error = setQuantity.error ?? remove.error;

  return (
    <li className="cart-line" aria-busy={busy}>
      <Cover book={{ id: line.bookId, title, authors: line.authors, coverUrl: line.coverUrl }} size="sm" />
      <div className="cart-line-body">
        <h2 className="cart-line-title">{line.available ? <Link to={bookPath(line.bookId)}>{title}</Link> : title}</h2>
        {line.authors.length > 0 && <p className="muted">{line.authors.join(', ')}</p>}
        {line.available && line.unitPrice !== null && line.currency ? (
          <p className="muted">
            <Price amount={line.unitPrice} currency={line.currency} /> each
          </p>
        ) : (
          <p className="notice notice-warn">No longer available: remove it to check out the rest.</p>
        )}
        <div className="cart-line-controls">
          {line.available && (
            <>
              <label htmlFor={selectId}>Quantity</label>
              <select
                id={selectId}
                value={line.quantity}
                disabled={busy}
                aria-describedby={error ? `${selectId}-error` : undefined}
                onChange={(e) => setQuantity.mutate(Number(e.target.value))}
              >
                {QUANTITIES.map((n) => (
                  <option key={n} value={n}>
                    {n}
                  </option>
                ))}
              </select>
            </>
          )}
          <button type="button" className="button button-link" disabled={busy} onClick={() => remove.mutate()}>
            Remove<span className="visually-hidden"> {title}</span>
          </button>
          {busy && <span className="muted">Updating…</span>}
        </div>
        {error && (
          <p className="field-error" id={`${selectId}-error`} role="alert">
            {describeError(error)}
          </p>
        )}
      </div>
      <p className="cart-line-total">{line.lineTotal !== null && line.currency ? <Price amount={line.lineTotal} currency={line.currency} /> : '—'}</p>
    </li>
  );
}

export default function CartPage() {
  useDocumentTitle('Your cart');
  const api = useApi();
  const cartKey = useCartKey();
  const session = useSession();
  const cart = useQuery({ queryKey: cartKey, queryFn: ({ signal }) => api.cart(signal) });
  const checkoutNext = new URLSearchParams({ next: '/checkout' }).toString();

  let body;
  if (cart.isPending) {
    body = (
      <Loading label="Loading your cart…">
        <SkeletonLines count={4} />
      </Loading>
    );
  } else if (cart.error) {
    body = <ErrorNotice error={cart.error} onRetry={() => void cart.refetch()} />;
  } else if (cart.data.lines.length === 0) {
    body = (
      <EmptyState title="Your cart is empty.">
        <p>
          Find something in the <Link to="/">bestsellers</Link> or <Link to="/search">browse all books</Link>.
        </p>
      </EmptyState>
    );
  } else {
    const canCheckOut = cart.data.itemCount > 0;
    body = (
      <div className="cart-layout">
        <ul className="cart-lines" aria-label="Books in your cart">
          {cart.data.lines.map((line) => (
            <CartLineRow key={line.bookId} line={line} />
          ))}
        </ul>
        <aside className="panel" aria-label="Cart total">
          <CartSummary cart={cart.data} />
          <CartStockWarning lines={cart.data.lines} />
          <p className="muted small">Totals are computed by the store from current prices.</p>
          {canCheckOut && session ? (
            <Link to="/checkout" className="button button-primary button-block">
              Check out
            </Link>
          ) : canCheckOut ? (
            <div className="guest-checkout">
              <p className="muted small">Checking out needs an account. Your cart comes with you when you sign in or create one.</p>
              <Link to={`/signup?${checkoutNext}`} className="button button-primary button-block">
                Create an account to check out
              </Link>
              <Link to={`/signin?${checkoutNext}`} className="button button-block">
                Sign in to check out
              </Link>
            </div>
          ) : (
            <p className="notice notice-warn">Nothing in your cart can be bought right now.</p>
          )}
        </aside>
      </div>
    );
  }
  return (
    <>
      <h1>Your cart</h1>
      {body}
    </>
  );
}
