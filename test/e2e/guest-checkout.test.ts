import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchBrowser, type Browser } from './support/browser.js';
import { PASSWORD, StoreApi } from './support/api.js';
import { sessionToken } from './support/pages.js';
import { startStorefront, type Storefront } from './support/server.js';

const usd = (minor: number) => new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(minor / 100);

describe('a guest in Chromium', () => {
  let store: Storefront;
  let browser: Browser;
  let api: StoreApi;
  let page: Page;
  let heron: { id: string; title: string; price: number };
  let tide: { id: string; title: string; price: number };
  const shopper = { name: 'Wren Fairweather', email: StoreApi.uniqueEmail('wren') };

  beforeAll(async () => {
    store = await startStorefront({ books: 30, users: 5, orders: 0 });
    api = new StoreApi(store.baseUrl);
    const admin = await api.signUp('Guest Flow Admin');
    store.cli(['admin', 'create', admin.email]);
    const adminToken = await api.signIn(admin.email, PASSWORD);
    heron = await api.createBook(adminToken, { title: 'The Heron at Dusk', price: 1700, category: 'Fiction' });
    tide = await api.createBook(adminToken, { title: 'Tidewater Letters', price: 2250, category: 'Fiction' });
    browser = await launchBrowser();
    page = await browser.context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await store?.stop();
  });

  it('adds two books to a cart without an account', async () => {
    for (const book of [heron, tide]) {
      await page.goto(`${store.baseUrl}/books/${book.id}`);
      await page.getByRole('heading', { level: 1, name: book.title }).waitFor();
      expect(await page.getByRole('link', { name: 'Sign in to buy' }).count()).toBe(0);
      await page.getByRole('button', { name: 'Add to cart' }).click();
      await page.getByText('Your cart has 1 copy of this book').waitFor();
    }
    expect(await page.evaluate(`sessionStorage.getItem('bookstore.session')`)).toBeNull();

    await page.getByRole('link', { name: 'Cart 2 items' }).click();
    await page.getByRole('heading', { level: 1, name: 'Your cart' }).waitFor();
    expect(await page.getByTestId('cart-subtotal').textContent()).toBe(usd(1700 + 2250));
  });

  it('changes a quantity as a guest and sees the server’s total', async () => {
    await page.locator(`#quantity-${tide.id}`).selectOption('2');
    await page.getByTestId('cart-subtotal').filter({ hasText: usd(1700 + 2 * 2250) }).waitFor();
  });

  it('signs up at checkout, keeps the cart and pays with the test card', async () => {
    await page.getByRole('link', { name: 'Create an account to check out' }).click();
    await page.getByLabel('Your name').fill(shopper.name);
    await page.getByLabel('Email').fill(shopper.email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();

    await page.getByRole('heading', { level: 1, name: 'Checkout' }).waitFor();
    await page.getByTestId('cart-subtotal').filter({ hasText: usd(1700 + 2 * 2250) }).waitFor();
    // The guest cart is merged and forgotten: the browser holds no guest token any more.
    expect(await page.evaluate(`localStorage.getItem('bookstore.guestCart')`)).toBeNull();
    // Every book came along, so there is nothing left behind to tell the shopper about.
    expect(await page.getByTestId('cart-merge-notice').count()).toBe(0);

    await page.getByLabel('Address', { exact: true }).fill('3 Harbour Row');
    await page.getByLabel('City').fill('Whitby');
    await page.getByLabel('Country').selectOption('GB');
    await page.getByLabel('Postcode').fill('YO21 3PU');
    await page.getByLabel('Card number').fill('4242 4242 4242 4242');
    await page.getByRole('button', { name: 'Place order' }).click();

    await page.getByRole('heading', { level: 1, name: 'Thank you, your order is placed' }).waitFor();
    const orders = await api.ok<{ items: Array<{ total: number; itemCount: number; status: string }> }>('GET', '/api/v1/orders', { token: await sessionToken(page) });
    expect(orders.items).toHaveLength(1);
    expect(orders.items[0]).toMatchObject({ total: 1700 + 2 * 2250, itemCount: 3, status: 'paid' });
  });
});
