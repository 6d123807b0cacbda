import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Account, ApiHarness } from '../../test/api/harness';
import CartPage from '../src/pages/CartPage';
import { formatMoney } from '../src/lib/money';
import { recordingFetch, renderWithServices, sessionOf, settleAndCleanup, startStore } from './support';

describe('Cart page', () => {
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

  async function customerWithCart(lines: Array<[string, number]>): Promise<Account> {
    const customer = await api.customer();
    for (const [bookId, quantity] of lines) {
      await api.request('PUT', `/api/v1/cart/items/${bookId}`, { token: customer.token, body: { quantity } });
    }
    return customer;
  }

  const serverCart = async (customer: Account) => (await api.request('GET', '/api/v1/cart', { token: customer.token })).body;

  it('changes a quantity and shows the totals the server computed', async () => {
    const customer = await customerWithCart([
      [dune.id, 1],
      [emma.id, 2],
    ]);
    const recorder = recordingFetch();
    renderWithServices(<CartPage />, { route: '/cart', session: await sessionOf(api, customer), fetch: recorder.fetch });

    const subtotal = await screen.findByTestId('cart-subtotal');
    expect(subtotal).toHaveTextContent(formatMoney(1250 + 2 * 899, 'USD'));

    // The catalog price changes behind the page's back: only the server can know the new total.
    const current = await api.request('GET', `/api/v1/books/${dune.id}`);
    await api.request('PATCH', `/api/v1/books/${dune.id}`, { token: admin.token, headers: { 'if-match': current.headers.get('etag')! }, body: { price: 1500 } });

    const user = userEvent.setup();
    await user.selectOptions(screen.getByLabelText('Quantity', { selector: `#quantity-${dune.id}` }), '3');

    const expected = await serverCart(customer);
    expect(expected.subtotal).toBe(3 * 1500 + 2 * 899);
    await waitFor(() => expect(screen.getByTestId('cart-subtotal')).toHaveTextContent(formatMoney(expected.subtotal, 'USD')));
    expect(screen.getByTestId('cart-item-count')).toHaveTextContent('5');
    const duneLine = screen.getByRole('heading', { name: 'Dune' }).closest('li')!;
    expect(within(duneLine).getByText(formatMoney(4500, 'USD'))).toBeInTheDocument();

    // The browser sent a quantity and nothing else: no price, no total.
    const put = recorder.requests.find((r) => r.method === 'PUT');
    expect(put?.url.pathname).toBe(`/api/v1/cart/items/${dune.id}`);
    expect(put?.body).toEqual({ quantity: 3 });
  });

  it('removes a line and shows the new totals', async () => {
    const customer = await customerWithCart([
      [dune.id, 1],
      [emma.id, 1],
    ]);
    renderWithServices(<CartPage />, { route: '/cart', session: await sessionOf(api, customer) });
    await screen.findByTestId('cart-subtotal');

    await userEvent.setup().click(screen.getByRole('button', { name: 'Remove Emma' }));

    await waitFor(() => expect(screen.queryByRole('heading', { name: 'Emma' })).not.toBeInTheDocument());
    const expected = await serverCart(customer);
    expect(expected.lines.map((l: { bookId: string }) => l.bookId)).toEqual([dune.id]);
    expect(screen.getByTestId('cart-subtotal')).toHaveTextContent(formatMoney(expected.subtotal, 'USD'));
  });

  it('says what to do when the cart is empty', async () => {
    const customer = await api.customer();
    renderWithServices(<CartPage />, { route: '/cart', session: await sessionOf(api, customer) });
    expect(await screen.findByText('Your cart is empty.')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'browse all books' })).toHaveAttribute('href', '/search');
  });
});
