import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page, Request } from 'playwright-core';
import { launchBrowser, type Browser } from './support/browser.js';
import { PASSWORD, StoreApi, type Person } from './support/api.js';
import { eventually, sessionToken, settled } from './support/pages.js';
import { startStorefront, type Storefront } from './support/server.js';

const usd = (minor: number) => new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(minor / 100);


describe('the storefront in Chromium', () => {
  let store: Storefront;
  let browser: Browser;
  let api: StoreApi;
  let page: Page;
  let adminToken: string;
  let admin: Person;
  const customer = { name: 'Mara Quill', email: StoreApi.uniqueEmail('mara') };
  let cartographer: { id: string; title: string; price: number };
  let lanterns: { id: string; title: string; price: number };
  let orchard: { id: string; title: string; price: number };

  beforeAll(async () => {
    store = await startStorefront({ books: 300, users: 40, orders: 300 });
    api = new StoreApi(store.baseUrl);
    admin = await api.signUp('Ada Admin');
    store.cli(['admin', 'create', admin.email]);
    adminToken = await api.signIn(admin.email, PASSWORD);
    cartographer = await api.createBook(adminToken, { title: 'The Saltmarsh Cartographer', price: 1850, category: 'Fiction' });
    lanterns = await api.createBook(adminToken, { title: 'A Winter of Lanterns', price: 2400, category: 'Fantasy' });
    orchard = await api.createBook(adminToken, { title: 'The Quiet Orchard', price: 1500, category: 'Fiction' });
    browser = await launchBrowser();
    page = await browser.context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await store?.stop();
  });

  it('signs up a new customer', async () => {
    await page.goto(store.baseUrl + '/');
    await page.getByRole('banner').getByRole('link', { name: 'Sign up' }).click();
    await page.getByLabel('Your name').fill(customer.name);
    await page.getByLabel('Email').fill(customer.email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();

    await page.getByRole('heading', { level: 1, name: `Welcome back, ${customer.name}` }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    expect(await page.getByRole('button', { name: /Sign out/ }).isVisible()).toBe(true);
  });

  it('finds a book from a misspelt search', async () => {
    const box = page.getByRole('combobox', { name: /Search books/ });
    await box.fill('cartographr');
    await box.press('Enter');

    await page.waitForURL((url) => url.pathname === '/search' && url.searchParams.get('q') === 'cartographr');
    const hit = page.getByRole('link', { name: cartographer.title });
    await hit.waitFor();
    expect(await hit.locator('mark').count()).toBeGreaterThan(0);
    expect(await page.getByRole('status').filter({ hasText: 'for “cartographer”' }).count()).toBe(1);
  });

  it('adds two books to the cart, one from the results and one from a suggestion', async () => {
    await page.getByRole('link', { name: cartographer.title }).click();
    await page.getByRole('heading', { level: 1, name: cartographer.title }).waitFor();
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await page.getByText('Your cart has 1 copy of this book').waitFor();

    const box = page.getByRole('combobox', { name: /Search books/ });
    await box.fill('winter of lant');
    await page.getByRole('option', { name: `${lanterns.title} (book)` }).waitFor();
    const options = page.getByRole('option');
    const position = (await options.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')))).indexOf(`${lanterns.title} (book)`);
    for (let i = 0; i <= position; i++) await box.press('ArrowDown');
    await box.press('Enter');

    await page.getByRole('heading', { level: 1, name: lanterns.title }).waitFor();
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await page.getByText('Your cart has 1 copy of this book').waitFor();
    await page.getByRole('link', { name: 'Cart 2 items' }).waitFor();
  });

  it('changes a quantity and shows the server’s new totals', async () => {
    await page.getByRole('link', { name: 'Cart 2 items' }).click();
    await page.getByRole('heading', { level: 1, name: 'Your cart' }).waitFor();
    expect(await page.getByTestId('cart-subtotal').textContent()).toBe(usd(1850 + 2400));

    await page.locator(`#quantity-${cartographer.id}`).selectOption('40');

    await page.getByTestId('cart-subtotal').filter({ hasText: usd(40 * 1850 + 2400) }).waitFor();
    expect(await page.getByTestId('cart-item-count').textContent()).toBe('41');
    await page.getByRole('link', { name: 'Cart 41 items' }).waitFor();
  });

  it('checks out with a double click and gets exactly one order', async () => {
    await page.getByRole('link', { name: 'Check out' }).click();
    await page.getByRole('heading', { level: 1, name: 'Checkout' }).waitFor();
    await page.getByLabel('Address', { exact: true }).fill('12 Quay Street');
    await page.getByLabel('City').fill('Whitby');
    await page.getByLabel('Country').selectOption('GB');
    await page.getByLabel('Postcode').fill('YO21 3PU');

    const placeOrderRequests: Request[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/v1/orders') placeOrderRequests.push(r);
    });
    await page.getByRole('button', { name: 'Place order' }).dblclick();

    await page.getByRole('heading', { level: 1, name: 'Thank you, your order is placed' }).waitFor();
    const keys = new Set(await Promise.all(placeOrderRequests.map(async (r) => (await r.allHeaders())['idempotency-key'])));
    expect(placeOrderRequests.length).toBeGreaterThanOrEqual(1);
    expect(keys.size).toBe(1);

    const orders = await api.ok<{ items: Array<{ id: string; total: number; itemCount: number }> }>('GET', '/api/v1/orders', { token: await sessionToken(page) });
    expect(orders.items).toHaveLength(1);
    expect(orders.items[0]).toMatchObject({ total: 40 * 1850 + 2400, itemCount: 41 });
    expect(page.url()).toContain(`/orders/${orders.items[0]!.id}`);
    await page.getByRole('link', { name: 'Cart', exact: true }).waitFor();
  });

  it('shows the order in the order history', async () => {
    await page.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'Orders' }).click();
    await page.getByRole('heading', { level: 1, name: 'Your orders' }).waitFor();
    const orders = page.getByRole('list', { name: 'Orders, newest first' }).getByRole('listitem');
    await orders.first().waitFor();
    expect(await orders.count()).toBe(1);
    const order = orders.first();
    expect(await order.getByRole('link', { name: cartographer.title }).count()).toBe(1);
    expect(await order.getByRole('link', { name: lanterns.title }).count()).toBe(1);
    expect(await order.locator('tfoot').textContent()).toContain(usd(40 * 1850 + 2400));
  });

  it('shows the purchase in this week’s bestsellers', async () => {
    await page.getByRole('link', { name: 'Bookstore home' }).click();
    await settled(page);
    await eventually(page, async () => {
      const week = page.getByRole('region', { name: 'Bestsellers this week' });
      const card = week.getByRole('listitem').filter({ has: page.getByRole('link', { name: cartographer.title }) });
      expect(await card.count()).toBe(1);
      expect(await card.textContent()).toContain('40 sold');
    });
  });

  it('accepts a friend request, asks someone else, and sees what the friend bought in “Recommended for you”', async () => {
    const rosalind = await api.signUp('Rosalind Finch');
    const tobias = await api.signUp('Tobias Reedwarbler');
    const me = await api.ok<{ user: { id: string } }>('GET', '/api/v1/me', { token: await sessionToken(page) });
    await api.ok('PUT', `/api/v1/friends/${me.user.id}`, { token: rosalind.token });

    await page.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'Friends' }).click();
    const requests = page.getByRole('region', { name: /Requests for you/ });
    await requests.getByRole('button', { name: 'Accept Rosalind Finch' }).click();
    await page.getByRole('region', { name: /Your friends/ }).getByRole('button', { name: 'Remove Rosalind Finch' }).waitFor();

    await page.getByLabel('Name or exact email').fill('Reedwarbler');
    await page.getByRole('button', { name: 'Find', exact: true }).click();
    await page.getByRole('button', { name: 'Add friend Tobias Reedwarbler' }).click();
    await page.getByRole('region', { name: /Waiting for an answer/ }).getByRole('button', { name: 'Cancel request to Tobias Reedwarbler' }).waitFor();
    expect((await api.ok<{ incoming: Array<{ id: string }> }>('GET', '/api/v1/friends', { token: tobias.token })).incoming.map((p) => p.id)).toEqual([me.user.id]);

    await api.buy(rosalind, orchard.id, 1);

    await page.getByRole('link', { name: 'Bookstore home' }).click();
    await settled(page);
    await eventually(page, async () => {
      const recommended = page.getByRole('region', { name: 'Recommended for you' });
      const card = recommended.getByRole('listitem').filter({ has: page.getByRole('link', { name: orchard.title }) });
      expect(await card.count()).toBe(1);
      expect(await card.textContent()).toContain('1 friend bought this');
    });
  });

  it('lets an admin change a price, re-applying it over a newer version, and the new price shows in search results', async () => {
    const adminPage = await browser.context.newPage();
    try {
      await adminPage.goto(`${store.baseUrl}/admin`);
      await adminPage.waitForURL((url) => url.pathname === '/signin' && url.searchParams.get('next') === '/admin');
      await adminPage.getByLabel('Email').fill(admin.email);
      await adminPage.getByLabel('Password').fill(PASSWORD);
      await adminPage.getByRole('button', { name: 'Sign in' }).click();
      await adminPage.getByRole('heading', { level: 1, name: 'Admin' }).waitFor();
      await adminPage.getByRole('region', { name: 'Derived stores' }).getByRole('row', { name: /search/ }).waitFor();

      await adminPage.getByLabel('Find books').fill('saltmarsh cartographer');
      await adminPage.getByRole('button', { name: 'Find', exact: true }).click();
      await adminPage.getByRole('link', { name: `Edit ${cartographer.title}` }).click();
      const price = adminPage.getByLabel('Price');
      await expect.poll(() => price.inputValue()).toBe('18.50');
      await price.fill('12.75');

      // Meanwhile another admin changes the same book: the save must not overwrite their change blindly.
      const current = await api.call('GET', `/api/v1/books/${cartographer.id}`);
      await api.ok('PATCH', `/api/v1/books/${cartographer.id}`, { token: adminToken, headers: { 'if-match': current.headers.get('etag')! }, body: { rating: 4.9 } });

      await adminPage.getByRole('button', { name: 'Save changes' }).click();
      const conflict = adminPage.getByRole('alert').filter({ hasText: 'Someone else changed this book' });
      await conflict.waitFor();
      expect(await conflict.getByRole('row', { name: /Rating/ }).textContent()).toContain('4.9');
      await conflict.getByRole('button', { name: 'Apply my changes to the newer version' }).click();
      await adminPage.getByText(`Saved “${cartographer.title}”`).waitFor();

      const saved = await api.ok<{ price: number; rating: number }>('GET', `/api/v1/books/${cartographer.id}`);
      expect(saved).toMatchObject({ price: 1275, rating: 4.9 });
    } finally {
      await adminPage.close();
    }

    await page.goto(`${store.baseUrl}/search?q=saltmarsh`);
    await settled(page);
    await eventually(page, async () => {
      const hit = page.getByRole('listitem').filter({ has: page.getByRole('link', { name: cartographer.title }) });
      expect(await hit.count()).toBe(1);
      expect(await hit.textContent()).toContain(usd(1275));
    });
  });

  it('tells a customer the admin page is not for them', async () => {
    await page.goto(`${store.baseUrl}/admin`);
    await page.getByText('This page is for admins only.').waitFor();
    expect(await page.getByRole('heading', { name: 'Catalog' }).count()).toBe(0);
    expect(await page.getByRole('heading', { name: 'Derived stores' }).count()).toBe(0);
  });

  it('sends a visitor from a protected page to sign in, and back there afterwards', async () => {
    const visitor = await browser.context.newPage();
    try {
      await visitor.goto(`${store.baseUrl}/orders`);
      await visitor.waitForURL((url) => url.pathname === '/signin' && url.searchParams.get('next') === '/orders');
      await visitor.getByLabel('Email').fill(customer.email);
      await visitor.getByLabel('Password').fill(PASSWORD);
      await visitor.getByRole('button', { name: 'Sign in' }).click();
      await visitor.getByRole('heading', { level: 1, name: 'Your orders' }).waitFor();
      expect(new URL(visitor.url()).pathname).toBe('/orders');

      // A token the server no longer accepts: the app forgets it and asks to sign in again, then comes back.
      await visitor.evaluate(`(() => {
        const session = JSON.parse(sessionStorage.getItem('bookstore.session'));
        sessionStorage.setItem('bookstore.session', JSON.stringify({ ...session, token: session.token.slice(0, -4) + 'AAAA' }));
      })()`);
      await visitor.goto(`${store.baseUrl}/orders`);
      await visitor.waitForURL((url) => url.pathname === '/signin' && url.searchParams.get('next') === '/orders' && url.searchParams.get('expired') === '1');
      await visitor.getByText('Your session has ended').waitFor();
      expect(await visitor.evaluate(`sessionStorage.getItem('bookstore.session')`)).toBeNull();
      await visitor.getByLabel('Email').fill(customer.email);
      await visitor.getByLabel('Password').fill(PASSWORD);
      await visitor.getByRole('button', { name: 'Sign in' }).click();
      await visitor.getByRole('heading', { level: 1, name: 'Your orders' }).waitFor();

      await visitor.getByRole('button', { name: /Sign out/ }).click();
      await visitor.getByRole('banner').getByRole('link', { name: 'Sign in' }).waitFor();
      // The cart is open to guests now (a guest cart); checkout is what needs an account.
      await visitor.goto(`${store.baseUrl}/checkout`);
      await visitor.waitForURL((url) => url.pathname === '/signin' && url.searchParams.get('next') === '/checkout');
    } finally {
      await visitor.close();
    }
  });
});
