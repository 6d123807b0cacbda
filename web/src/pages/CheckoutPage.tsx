import { useCallback, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, fieldErrorMap, NetworkError } from '../api/client';
import type { Order, ShippingAddress } from '../api/types';
import { useApi, useSession, userKey } from '../app/services';
import { CartSummary, useCartKey } from '../components/cart';
import { ShortageList } from '../components/stock-warnings';
import { describeError, EmptyState, ErrorNotice, Loading, SelectField, SkeletonLines, TextField } from '../components/ui';
import { useDocumentTitle } from '../lib/hooks';
import { addressForApi, addressProblems, postalFormat } from './checkout/address-format';
import { COUNTRIES } from './checkout/countries';
import { useCheckout } from './checkout/useCheckout';

const EMPTY_ADDRESS: ShippingAddress = { name: '', line1: '', line2: '', city: '', state: '', postalCode: '', country: 'US' };

function failureMessage(error: unknown): string {
  if (error instanceof NetworkError) {
    return 'We could not reach the store, so we cannot tell whether your order went through. Press “Place order” again: it is safe, you will not be charged twice.';
  }
  if (error instanceof ApiError && error.code === 'cart-empty') return 'Your cart is empty: there is nothing to order.';
  if (error instanceof ApiError && error.code === 'out-of-stock') return 'Nothing was ordered or charged: the shop has fewer copies than your cart wants. Change the quantities in your cart, then try again.';
  if (error instanceof ApiError && error.status === 402) return 'Your card was declined, and nothing was charged. Try the test card 4242 4242 4242 4242.';
  if (error instanceof ApiError && error.fieldErrors.length > 0) return 'Some details need fixing: see the fields marked below.';
  if (error instanceof ApiError && error.status >= 500) {
    return 'The store had a problem placing your order. Press “Place order” again in a moment: you will not be charged twice.';
  }
  return describeError(error);
}

export default function CheckoutPage() {
  useDocumentTitle('Checkout');
  const api = useApi();
  const session = useSession();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const cartKey = useCartKey();
  const cart = useQuery({ queryKey: cartKey, queryFn: ({ signal }) => api.cart(signal) });
  const [address, setAddress] = useState<ShippingAddress>({ ...EMPTY_ADDRESS, name: session?.user.name ?? '' });
  const [cardNumber, setCardNumber] = useState('');

  const onPlaced = useCallback(
    (order: Order) => {
      void queryClient.invalidateQueries({ queryKey: cartKey });
      void queryClient.invalidateQueries({ queryKey: userKey(session, 'orders') });
      void queryClient.invalidateQueries({ queryKey: ['bestsellers'] });
      queryClient.setQueryData(userKey(session, 'order', order.id), order);
      navigate(`/orders/${encodeURIComponent(order.id)}?placed=1`, { replace: true });
    },
    [queryClient, cartKey, session, navigate],
  );
  const checkout = useCheckout(onPlaced);
  // Checked here first, every field at once and in plain words; the server's answer covers the rest.
  const [problems, setProblems] = useState<Partial<Record<keyof ShippingAddress, string>>>({});
  const serverErrors = fieldErrorMap(checkout.error);
  const postal = postalFormat(address.country);

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const found = addressProblems(address);
    setProblems(found);
    if (Object.keys(found).length > 0) {
      const first = Object.keys(found)[0]!;
      document.querySelector<HTMLElement>(`[name="${first}"]`)?.focus();
      return;
    }
    const card = cardNumber.trim() === '' ? undefined : cardNumber.trim();
    void checkout.submit(addressForApi(address), card);
  }

  const field = (name: keyof ShippingAddress) => ({
    name,
    value: address[name] ?? '',
    error: problems[name] ?? serverErrors[name],
    onChange: (e: { target: { value: string } }) => {
      setAddress((a) => ({ ...a, [name]: e.target.value }));
      // A field being corrected stops showing its complaint; the others keep theirs until the next try.
      setProblems(({ [name]: _fixed, ...rest }) => rest);
    },
  });
  const problemCount = Object.keys(problems).length;

  if (cart.isPending) {
    return (
      <>
        <h1>Checkout</h1>
        <Loading label="Loading your cart…">
          <SkeletonLines count={4} />
        </Loading>
      </>
    );
  }
  if (cart.error) {
    return (
      <>
        <h1>Checkout</h1>
        <ErrorNotice error={cart.error} onRetry={() => void cart.refetch()} />
      </>
    );
  }
  if (cart.data.itemCount === 0 && checkout.status === 'idle') {
    return (
      <>
        <h1>Checkout</h1>
        <EmptyState title="Your cart is empty.">
          <p>
            <Link to="/">Find a book</Link> first, then come back here.
          </p>
        </EmptyState>
      </>
    );
  }

  return (
    <>
      <h1>Checkout</h1>
      <div className="checkout-layout">
        <form className="panel form" onSubmit={onSubmit} noValidate aria-describedby={checkout.error || problemCount > 0 ? 'checkout-error' : undefined}>
          <h2>Shipping address</h2>
          {problemCount > 0 && (
            <div className="notice notice-error" role="alert" id="checkout-error">
              <p>{problemCount === 1 ? 'One detail needs fixing: see the field marked below.' : `${problemCount} details need fixing: see the fields marked below.`}</p>
            </div>
          )}
          {problemCount === 0 && checkout.error !== null && (
            <div className="notice notice-error" role="alert" id="checkout-error">
              <p>{failureMessage(checkout.error)}</p>
              <ShortageList error={checkout.error} />
            </div>
          )}
          <TextField label="Full name" autoComplete="name" required maxLength={100} {...field('name')} />
          <TextField label="Address" autoComplete="address-line1" required maxLength={200} {...field('line1')} />
          <TextField label="Apartment, suite, etc. (optional)" autoComplete="address-line2" maxLength={200} {...field('line2')} />
          <div className="field-row">
            <TextField label="City" autoComplete="address-level2" required maxLength={100} {...field('city')} />
            {postal.states && (
              <SelectField label={postal.states.label} autoComplete="address-level1" required {...field('state')}>
                <option value="">Choose…</option>
                {postal.states.options.map((s) => (
                  <option key={s.code} value={s.code}>
                    {s.name}
                  </option>
                ))}
              </SelectField>
            )}
            <TextField label={postal.label} autoComplete="postal-code" required maxLength={20} {...field('postalCode')} />
          </div>
          <SelectField label="Country" autoComplete="country" {...field('country')}>
            {COUNTRIES.map((c) => (
              <option key={c.code} value={c.code}>
                {c.name}
              </option>
            ))}
          </SelectField>
          <h2>Payment</h2>
          <TextField
            label="Card number"
            name="cardNumber"
            inputMode="numeric"
            autoComplete="off"
            maxLength={30}
            value={cardNumber}
            error={serverErrors['payment/cardNumber']}
            hint="This is a demo store and takes test cards only: 4242 4242 4242 4242 is charged, 4000 0000 0000 0002 is declined. Leave it empty to order now and pay later."
            onChange={(e) => setCardNumber(e.target.value)}
          />
          <button type="submit" className="button button-primary button-block" disabled={checkout.busy}>
            {checkout.busy ? 'Placing your order…' : 'Place order'}
          </button>
        </form>
        <aside className="panel" aria-labelledby="order-summary">
          <h2 id="order-summary">Order summary</h2>
          <ul className="summary-lines">
            {cart.data.lines
              .filter((l) => l.available)
              .map((l) => (
                <li key={l.bookId}>
                  <span>
                    {l.title} × {l.quantity}
                  </span>
                </li>
              ))}
          </ul>
          <CartSummary cart={cart.data} />
          <p>
            <Link to="/cart">Change your cart</Link>
          </p>
        </aside>
      </div>
    </>
  );
}
