import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { fillCart, type Account, type ApiHarness } from '../../test/api/harness';
import AdminOrdersPage from '../src/pages/admin/AdminOrdersPage';
import CartPage from '../src/pages/CartPage';
import { currentLocation, recordingFetch, renderWithServices, sessionOf, settleAndCleanup, startStore } from './support';

describe('Admin orders screen and the cart stock warning', () => {
  let api: ApiHarness;
  let admin: Account;
  let keys = 0;

  beforeAll(async () => {
    api = await startStore();
    admin = await api.admin();
  });
  afterAll(() => api.close());
  afterEach(settleAndCleanup);

  async function placedOrder(): Promise<{ id: string; customer: Account }> {
    const customer = await api.customer();
    const book = await api.createBook(admin, { stock: 10 });
    await fillCart(api, customer, [{ id: book.id, quantity: 1 }]);
    keys += 1;
    const res = await api.request('POST', '/api/v1/orders', { token: customer.token, headers: { 'idempotency-key': `admin-orders-web-${keys}` }, body: {} });
    return { id: res.body.order.id, customer };
  }

  /** The order's id where its row names it (buttons repeat it for screen readers). */
  const ID_CELL = { selector: 'th span.mono' };
  const rowOf = (orderId: string) => screen.getByText(orderId, ID_CELL).closest('tr')!;

  it('offers only the moves the server allows, and sends nothing but the new status', async () => {
    const order = await placedOrder();
    const recorder = recordingFetch();
    renderWithServices(<AdminOrdersPage />, { route: '/admin/orders', session: await sessionOf(api, admin), fetch: recorder.fetch });

    await screen.findByText(order.id, ID_CELL);
    const buttons = within(rowOf(order.id)).getAllByRole('button');
    expect(buttons.map((b) => b.textContent)).toEqual([`Mark paid ${order.id}`, `Cancel order ${order.id}`]);

    await userEvent.setup().click(within(rowOf(order.id)).getByRole('button', { name: `Mark paid ${order.id}` }));
    expect(await screen.findByText(`Order ${order.id} is now paid.`)).toBeInTheDocument();
    const post = recorder.requests.find((r) => r.method === 'POST');
    expect(post?.url.pathname).toBe(`/api/v1/admin/orders/${order.id}/status`);
    expect(post?.body).toEqual({ status: 'paid' });
    await waitFor(() => expect(within(rowOf(order.id)).getAllByRole('button').map((b) => b.textContent)).toEqual([`Mark shipped ${order.id}`, `Cancel order ${order.id}`]));
  });

  it('filters by status through the URL and the API', async () => {
    const order = await placedOrder();
    const recorder = recordingFetch();
    renderWithServices(<AdminOrdersPage />, { route: '/admin/orders', session: await sessionOf(api, admin), fetch: recorder.fetch });
    await screen.findByText(order.id, ID_CELL);

    await userEvent.setup().selectOptions(screen.getByLabelText('Status'), 'delivered');
    await waitFor(() => expect(currentLocation()).toBe('/admin/orders?status=delivered'));
    expect(await screen.findByText('No orders are delivered.')).toBeInTheDocument();
    expect(recorder.requests.at(-1)?.url.searchParams.get('status')).toBe('delivered');
  });

  it('pages through the orders with the API\'s cursor, keeping the filter', async () => {
    const placed: Array<{ id: string; customer: Account }> = [];
    for (let i = 0; i < 21; i++) placed.push(await placedOrder());
    const recorder = recordingFetch();
    renderWithServices(<AdminOrdersPage />, { route: '/admin/orders?status=placed', session: await sessionOf(api, admin), fetch: recorder.fetch });
    // Newest first: the last order placed opens the first page of 20, the first placed is further on.
    await screen.findByText(placed[20]!.id, ID_CELL);
    expect(screen.queryByText(placed[0]!.id, ID_CELL)).not.toBeInTheDocument();

    await userEvent.setup().click(screen.getByRole('link', { name: 'Next page →' }));
    await screen.findByText(placed[0]!.id, ID_CELL);
    expect(screen.queryByText(placed[20]!.id, ID_CELL)).not.toBeInTheDocument();
    const last = recorder.requests.at(-1)!.url.searchParams;
    expect(last.get('status')).toBe('placed');
    expect(last.get('cursor')).toBeTruthy();
    expect(currentLocation()).toMatch(/^\/admin\/orders\?status=placed&cursor=[^&]+&page=2$/);
  });

  it('explains a refused move with the server’s reason, and asks before cancelling', async () => {
    const order = await placedOrder();
    renderWithServices(<AdminOrdersPage />, { route: '/admin/orders?status=placed', session: await sessionOf(api, admin) });
    await screen.findByText(order.id, ID_CELL);
    const user = userEvent.setup();

    // The admin says no to "Cancel order …?": nothing is sent.
    const confirm = vi.fn(() => false);
    Object.defineProperty(window, 'confirm', { value: confirm, configurable: true, writable: true });
    await user.click(within(rowOf(order.id)).getByRole('button', { name: `Cancel order ${order.id}` }));
    expect(confirm).toHaveBeenCalledOnce();
    expect((await api.request('GET', `/api/v1/orders/${order.id}`, { token: order.customer.token })).body.order.status).toBe('placed');

    await api.request('POST', `/api/v1/orders/${order.id}/cancel`, { token: order.customer.token });
    await user.click(within(rowOf(order.id)).getByRole('button', { name: `Mark paid ${order.id}` }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(`The store refused this change to order ${order.id}: an admin cannot change an order that is cancelled.`);
    await waitFor(() => expect(screen.queryByText(order.id, ID_CELL)).not.toBeInTheDocument());
  });

  it('warns in the cart, line by line, when a line wants more copies than are left', async () => {
    const customer = await api.customer();
    const few = await api.createBook(admin, { title: 'Two Left', stock: 2 });
    const none = await api.createBook(admin, { title: 'None Left', stock: 0 });
    const enough = await api.createBook(admin, { title: 'Enough Left', stock: 9 });
    await fillCart(api, customer, [
      { id: few.id, quantity: 3 },
      { id: none.id, quantity: 1 },
      { id: enough.id, quantity: 9 },
    ]);
    renderWithServices(<CartPage />, { route: '/cart', session: await sessionOf(api, customer) });

    const warning = await screen.findByRole('status', { name: 'Stock warning' });
    expect(within(warning).getByText('2 books are short of copies')).toBeInTheDocument();
    expect(within(warning).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'Two Left: you want 3 copies, only 2 copies left.',
      'None Left: you want 1 copy, it is out of stock.',
    ]);
  });
});
