import type { Cart } from '../api/types';
import { useSession, userKey } from '../app/services';
import { Price } from './ui';

export function useCartKey(): unknown[] {
  return userKey(useSession(), 'cart');
}

export function CartSummary({ cart }: { cart: Cart }) {
  return (
    <dl className="summary">
      <div>
        <dt>Items</dt>
        <dd data-testid="cart-item-count">{cart.itemCount}</dd>
      </div>
      <div className="summary-total">
        <dt>Subtotal</dt>
        <dd data-testid="cart-subtotal">{cart.currency ? <Price amount={cart.subtotal} currency={cart.currency} /> : '—'}</dd>
      </div>
    </dl>
  );
}

