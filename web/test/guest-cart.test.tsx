import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Account, ApiHarness } from '../../test/api/harness';
import { Route, Routes } from 'react-router';
import { Layout } from '../src/app/Layout';
import CartPage from '../src/pages/CartPage';
import SignInPage from '../src/pages/SignInPage';
import { createGuestCartStore } from '../src/auth/guest-cart';
import { createApiClient } from '../src/api/client';
import { createEndpoints } from '../src/api/endpoints';
import { createSessionStore } from '../src/auth/session';
import { formatMoney } from '../src/lib/money';
import { currentLocation, recordingFetch, renderWithServices, settleAndCleanup, startStore } from './support';

/** An in-memory Storage, so each test starts with a browser that has no guest token. */
function memoryStorage(): Storage {
  const items = new Map<string, string>();
  return {
    get length() {
      return items.size;
    },
    clear: () => items.clear(),
    getItem: (k) => items.get(k) ?? null,
    key: (i) => [...items.keys()][i] ?? null,
    removeItem: (k) => void items.delete(k),
    setItem: (k, v) => void items.set(k, v),
  };
}

describe('guest cart in the web app', () => {
  let api: ApiHarness;
  let admin: Account;
  let dune: { id: string };
  let emma: { id: string };

  beforeAll(async () => {
    api = await startStore();
    admin = await api.admin();
    dune = await api.createBook(admin, { title: 'Dune', price: 1250 });
    emma = await api.createBook(admin, { title: 'Emma', price: 899 });
  });
  afterAll(() => api.close());
  afterEach(settleAndCleanup);

  function guestEndpoints(storage: Storage) {
    const session = createSessionStore(null);
    const guestCart = createGuestCartStore(storage);
    const recorder = recordingFetch();
    const client = createApiClient({ baseUrl: '', session, fetch: recorder.fetch });
    return { endpoints: createEndpoints(client, { session, guestCart }), guestCart, session, recorder };
  }

  it('asks the server for a token on the first book only, and sends it in the Guest-Cart header', async () => {
    const { endpoints, guestCart, recorder } = guestEndpoints(memoryStorage());
    expect(await endpoints.cart()).toEqual({ lines: [], itemCount: 0, subtotal: 0, currency: null });
    expect(recorder.requests).toHaveLength(0);

    await endpoints.setCartQuantity(dune.id, 2);
    const cart = await endpoints.setCartQuantity(emma.id, 1);
    expect(cart.subtotal).toBe(2 * 1250 + 899);
    const token = guestCart.get();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(recorder.requests.filter((r) => r.method === 'POST').map((r) => r.url.pathname)).toEqual(['/api/v1/guest-cart']);
    const puts = recorder.requests.filter((r) => r.method === 'PUT');
    expect(puts.map((r) => r.headers.get('guest-cart'))).toEqual([token, token]);
    expect(puts.map((r) => r.headers.get('authorization'))).toEqual([null, null]);
    expect(puts.map((r) => r.body)).toEqual([{ quantity: 2 }, { quantity: 1 }]);
  });

  it('starts a new cart when the server has forgotten the old one', async () => {
    const storage = memoryStorage();
    const { endpoints, guestCart } = guestEndpoints(storage);
    guestCart.set('A'.repeat(43));
    expect((await endpoints.cart()).lines).toEqual([]);
    expect(guestCart.get()).toBeNull();
    guestCart.set('B'.repeat(43));
    expect((await endpoints.setCartQuantity(dune.id, 1)).itemCount).toBe(1);
    expect(guestCart.get()).not.toBe('B'.repeat(43));
  });

  it('merges the guest cart into the account when the visitor signs in', async () => {
    const { endpoints, guestCart } = guestEndpoints(memoryStorage());
    await endpoints.setCartQuantity(dune.id, 3);
    const customer = await api.customer();
    await api.request('PUT', `/api/v1/cart/items/${dune.id}`, { token: customer.token, body: { quantity: 1 } });

    await endpoints.signIn(customer.email, customer.password);
    expect(guestCart.get()).toBeNull();
    const account = await api.request('GET', '/api/v1/cart', { token: customer.token });
    expect(account.body.lines.map((l: { bookId: string; quantity: number }) => [l.bookId, l.quantity])).toEqual([[dune.id, 4]]);
  });

  it('shows a guest their cart and offers an account to check out', async () => {
    const storage = memoryStorage();
    const { endpoints } = guestEndpoints(storage);
    await endpoints.setCartQuantity(emma.id, 2);
    // A page loaded later in the same browser finds the token in storage.
    const guestCart = createGuestCartStore(storage);
    renderWithServices(<CartPage />, { route: '/cart', guestCart });

    await waitFor(() => expect(screen.getByTestId('cart-subtotal')).toHaveTextContent(formatMoney(2 * 899, 'USD')));
    expect(screen.queryByRole('link', { name: 'Check out' })).not.toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Create an account to check out' })).toHaveAttribute('href', '/signup?next=%2Fcheckout');
    expect(screen.getByRole('link', { name: 'Sign in to check out' })).toHaveAttribute('href', '/signin?next=%2Fcheckout');

    await userEvent.setup().selectOptions(screen.getByLabelText('Quantity', { selector: `#quantity-${emma.id}` }), '3');
    await waitFor(() => expect(screen.getByTestId('cart-subtotal')).toHaveTextContent(formatMoney(3 * 899, 'USD')));
    expect((await api.request('GET', '/api/v1/guest-cart', { headers: { 'guest-cart': guestCart.get()! } })).body.itemCount).toBe(3);
  });

  it('tells the shopper which books of the guest cart did not join the account cart at sign-in', async () => {
    // The account's cart holds a dollar book; the guest's euro book cannot share it (notMerged).
    const euro = await api.createBook(admin, { title: 'Les Misérables', currency: 'EUR', price: 1500 });
    const customer = await api.customer();
    await api.request('PUT', `/api/v1/cart/items/${dune.id}`, { token: customer.token, body: { quantity: 1 } });
    const storage = memoryStorage();
    await guestEndpoints(storage).endpoints.setCartQuantity(euro.id, 2);

    renderWithServices(
      <Layout>
        <Routes>
          <Route path="/signin" element={<SignInPage />} />
          <Route path="/cart" element={<CartPage />} />
        </Routes>
      </Layout>,
      { route: '/signin?next=%2Fcart', guestCart: createGuestCartStore(storage) },
    );
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Email'), customer.email);
    await user.type(screen.getByLabelText('Password'), customer.password);
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    await waitFor(() => expect(currentLocation()).toBe('/cart'));
    const notice = await screen.findByRole('alert');
    expect(notice).toHaveTextContent('One book from your guest cart is not in your cart');
    expect(notice).toHaveTextContent('We could not add “Les Misérables” to it');
    await waitFor(() => expect(screen.getByTestId('cart-subtotal')).toHaveTextContent(formatMoney(1250, 'USD')));

    await user.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByTestId('cart-merge-notice')).not.toBeInTheDocument();
    expect(currentLocation()).toBe('/cart');
  });

  it('says nothing after a sign-in whose guest cart joined whole', async () => {
    const storage = memoryStorage();
    const { endpoints } = guestEndpoints(storage);
    await endpoints.setCartQuantity(emma.id, 1);
    const customer = await api.customer();
    const login = await guestEndpoints(storage).endpoints.signIn(customer.email, customer.password);
    expect(login.notMerged).toEqual([]);
  });
});
