import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Account, ApiHarness } from '../../test/api/harness';
import CheckoutPage from '../src/pages/CheckoutPage';
import { currentLocation, recordingFetch, renderWithServices, sessionOf, settleAndCleanup, startStore, type RecordedRequest } from './support';

describe('Checkout', () => {
  let api: ApiHarness;
  let book: { id: string };

  beforeAll(async () => {
    api = await startStore();
    book = await api.createBook(await api.admin(), { title: 'Middlemarch', price: 1999 });
  });
  afterAll(() => api.close());
  afterEach(settleAndCleanup);

  async function customerWithCart(): Promise<Account> {
    const customer = await api.customer('Dorothea Brooke');
    await api.request('PUT', `/api/v1/cart/items/${book.id}`, { token: customer.token, body: { quantity: 2 } });
    return customer;
  }

  const ordersOf = async (customer: Account) => (await api.request('GET', '/api/v1/orders', { token: customer.token })).body.items as Array<{ id: string }>;
  const placeOrderRequests = (requests: RecordedRequest[]) => requests.filter((r) => r.method === 'POST' && r.url.pathname === '/api/v1/orders');
  const keysOf = (requests: RecordedRequest[]) => placeOrderRequests(requests).map((r) => r.headers.get('idempotency-key'));

  async function fillAddress(user: ReturnType<typeof userEvent.setup>) {
    await user.type(await screen.findByLabelText('Address'), '7 Lowick Lane');
    await user.type(screen.getByLabelText('City'), 'Middlemarch');
    // The country first: it decides what the postal code is called and looks like.
    await user.selectOptions(screen.getByLabelText('Country'), 'GB');
    await user.type(screen.getByLabelText('Postcode'), 'MM1 1AA');
  }

  async function placedOrderId(): Promise<string> {
    await waitFor(() => expect(currentLocation()).toMatch(/^\/orders\/[^/?]+\?placed=1$/));
    return decodeURIComponent(/^\/orders\/([^/?]+)/.exec(currentLocation())![1]!);
  }

  it('places exactly one order when the button is double-clicked', async () => {
    const customer = await customerWithCart();
    const recorder = recordingFetch();
    renderWithServices(<CheckoutPage />, { route: '/checkout', session: await sessionOf(api, customer), fetch: recorder.fetch });
    const user = userEvent.setup();
    await fillAddress(user);

    await user.dblClick(screen.getByRole('button', { name: 'Place order' }));

    const orderId = await placedOrderId();
    expect(placeOrderRequests(recorder.requests)).toHaveLength(1);
    expect(keysOf(recorder.requests)[0]).toMatch(/^checkout-[0-9a-f]{32}$/);
    expect((await ordersOf(customer)).map((o) => o.id)).toEqual([orderId]);
    expect(placeOrderRequests(recorder.requests)[0]!.body).toEqual({
      shippingAddress: { name: 'Dorothea Brooke', line1: '7 Lowick Lane', city: 'Middlemarch', postalCode: 'MM1 1AA', country: 'GB' },
    });
  });

  it('retries with the same key after the answer was lost, and gets the one order back', async () => {
    const customer = await customerWithCart();
    let lost = 0;
    // The server places the order, but its answer never reaches the page.
    const recorder = recordingFetch((r) => r.method === 'POST' && r.url.pathname === '/api/v1/orders' && lost++ === 0);
    renderWithServices(<CheckoutPage />, { route: '/checkout', session: await sessionOf(api, customer), fetch: recorder.fetch });
    const user = userEvent.setup();
    await fillAddress(user);

    await user.click(screen.getByRole('button', { name: 'Place order' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(/could not reach the store.*you will not be charged twice/i);
    expect(screen.getByRole('button', { name: 'Place order' })).toBeEnabled();

    await user.click(screen.getByRole('button', { name: 'Place order' }));
    const orderId = await placedOrderId();

    const keys = keysOf(recorder.requests);
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
    expect(placeOrderRequests(recorder.requests).map((r) => r.status)).toEqual([201, 200]);
    expect((await ordersOf(customer)).map((o) => o.id)).toEqual([orderId]);
  });

  it('explains every missing or malformed field at once, in plain words, without asking the server', async () => {
    const customer = await customerWithCart();
    const recorder = recordingFetch();
    renderWithServices(<CheckoutPage />, { route: '/checkout', session: await sessionOf(api, customer), fetch: recorder.fetch });
    const user = userEvent.setup();
    await user.clear(await screen.findByLabelText('Full name'));
    await user.type(screen.getByLabelText('ZIP code'), '9410');

    await user.click(screen.getByRole('button', { name: 'Place order' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('5 details need fixing');
    const expected: Array<[string, RegExp]> = [
      ['Full name', /^Enter the name of the person the books go to\.$/],
      ['Address', /^Enter the street address\.$/],
      ['City', /^Enter the town or city\.$/],
      ['State', /^Choose the state\.$/],
      ['ZIP code', /^Enter the zip code as it is written on letters there, such as 94103\.$/],
    ];
    for (const [label, words] of expected) {
      expect(screen.getByLabelText(label)).toHaveAttribute('aria-invalid', 'true');
      expect(screen.getByLabelText(label)).toHaveAccessibleDescription(words);
    }
    expect(screen.getByLabelText('Full name')).toHaveFocus();
    expect(placeOrderRequests(recorder.requests)).toHaveLength(0);
  });

  it('sends a US address with its state, chosen from the states and DC', async () => {
    const customer = await customerWithCart();
    const recorder = recordingFetch();
    renderWithServices(<CheckoutPage />, { route: '/checkout', session: await sessionOf(api, customer), fetch: recorder.fetch });
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('Address'), '1600 Pennsylvania Avenue NW');
    await user.type(screen.getByLabelText('City'), 'Washington');
    await user.selectOptions(screen.getByLabelText('State'), 'District of Columbia');
    await user.type(screen.getByLabelText('ZIP code'), '20500');

    await user.click(screen.getByRole('button', { name: 'Place order' }));
    await placedOrderId();
    expect(placeOrderRequests(recorder.requests)[0]!.body).toEqual({
      shippingAddress: { name: 'Dorothea Brooke', line1: '1600 Pennsylvania Avenue NW', city: 'Washington', state: 'DC', postalCode: '20500', country: 'US' },
    });
  });

  it('shows a field the server refused next to that field, and keeps the key when it is fixed', async () => {
    const customer = await customerWithCart();
    const recorder = recordingFetch();
    renderWithServices(<CheckoutPage />, { route: '/checkout', session: await sessionOf(api, customer), fetch: recorder.fetch });
    const user = userEvent.setup();
    await fillAddress(user);
    // Not blank to the form, but the server's text rules refuse a name made only of a zero-width space.
    const name = screen.getByLabelText('Full name');
    await user.clear(name);
    await user.type(name, '\u200b');

    await user.click(screen.getByRole('button', { name: 'Place order' }));
    await waitFor(() => expect(name).toHaveAttribute('aria-invalid', 'true'));
    expect(name).toHaveAccessibleDescription(/.+/);
    expect(screen.getByLabelText('City')).not.toHaveAttribute('aria-invalid');
    expect(await ordersOf(customer)).toEqual([]);

    await user.clear(name);
    await user.type(name, 'Dorothea Brooke');
    await user.click(screen.getByRole('button', { name: 'Place order' }));
    const orderId = await placedOrderId();
    const keys = keysOf(recorder.requests);
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
    expect((await ordersOf(customer)).map((o) => o.id)).toEqual([orderId]);
  });

  it('starts a new attempt, with a new key, each time the checkout page opens', async () => {
    const customer = await customerWithCart();
    const recorder = recordingFetch();
    const session = await sessionOf(api, customer);
    const user = userEvent.setup();

    renderWithServices(<CheckoutPage />, { route: '/checkout', session, fetch: recorder.fetch });
    await fillAddress(user);
    await user.click(screen.getByRole('button', { name: 'Place order' }));
    await placedOrderId();
    await settleAndCleanup();

    await api.request('PUT', `/api/v1/cart/items/${book.id}`, { token: customer.token, body: { quantity: 1 } });
    renderWithServices(<CheckoutPage />, { route: '/checkout', session, fetch: recorder.fetch });
    await fillAddress(user);
    await user.click(screen.getByRole('button', { name: 'Place order' }));
    await placedOrderId();

    const keys = keysOf(recorder.requests);
    expect(keys).toHaveLength(2);
    expect(keys[1]).not.toBe(keys[0]);
    expect(await ordersOf(customer)).toHaveLength(2);
  });
});
