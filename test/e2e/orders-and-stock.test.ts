import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchBrowser, type Browser } from './support/browser.js';
import { PASSWORD, StoreApi, type Person } from './support/api.js';
import { eventually, saveScreenshot, settled } from './support/pages.js';
import { startStorefront, type Storefront } from './support/server.js';

const DECLINED_CARD = '4000 0000 0000 0002';
const PHONE_360 = { width: 360, height: 740 } as const;

interface Order {
  id: string;
  status: string;
  statusHistory: Array<{ status: string; by: string }>;
}


/**
 * How far the page, or any table in it, reaches past the right edge of the viewport, in CSS pixels
 * (0 when it fits). Tables count on their own: one inside a scrolling box does not widen the page,
 * yet a phone user would still have to scroll it sideways.
 */
async function horizontalOverflow(page: Page): Promise<number> {
  return (await page.evaluate(`(() => {
    const width = document.documentElement.clientWidth;
    const tables = [...document.querySelectorAll('table')].map((t) => Math.ceil(t.getBoundingClientRect().right) - width);
    return Math.max(document.documentElement.scrollWidth - width, 0, ...tables);
  })()`)) as number;
}

describe('orders, stock and reviews in Chromium', () => {
  let store: Storefront;
  let browser: Browser;
  let api: StoreApi;
  let admin: Person;
  let adminToken: string;
  let fewLeft: { id: string; title: string };
  let soldOut: { id: string; title: string };
  let plenty: { id: string; title: string };

  /** A tab signed in as `person` through the sign-in page. */
  async function signedInPage(person: Person, viewport?: { width: number; height: number }): Promise<Page> {
    const page = await browser.context.newPage();
    if (viewport) await page.setViewportSize(viewport);
    await page.goto(`${store.baseUrl}/signin`);
    await page.getByLabel('Email').fill(person.email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.pathname !== '/signin');
    return page;
  }

  async function fillAddress(page: Page): Promise<void> {
    await page.getByLabel('Address', { exact: true }).fill('3 Harbour Row');
    await page.getByLabel('City').fill('Whitby');
    await page.getByLabel('Country').selectOption('GB');
    await page.getByLabel('Postcode').fill('YO21 3PU');
  }

  const ordersOf = async (person: Person) => (await api.ok<{ items: Order[] }>('GET', '/api/v1/orders', { token: person.token })).items;

  beforeAll(async () => {
    store = await startStorefront({ books: 300, users: 40, orders: 300 });
    api = new StoreApi(store.baseUrl);
    admin = await api.signUp('Otto Admin');
    store.cli(['admin', 'create', admin.email]);
    adminToken = await api.signIn(admin.email, PASSWORD);
    admin = { ...admin, token: adminToken };
    fewLeft = await api.createBook(adminToken, { title: 'The Tidewater Ledger', price: 1600, category: 'Sea Stories', stock: 2 });
    soldOut = await api.createBook(adminToken, { title: 'The Tidewater Almanac', price: 1200, category: 'Sea Stories', stock: 0 });
    plenty = await api.createBook(adminToken, { title: 'The Tidewater Lighthouse', price: 2100, category: 'Sea Stories', stock: 50 });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await store?.stop();
  });

  it('says how few copies are left, or that none are, on the book page, search results and the category page', async () => {
    const page = await browser.context.newPage();
    try {
      await page.goto(`${store.baseUrl}/books/${fewLeft.id}`);
      await page.getByRole('heading', { level: 1, name: fewLeft.title }).waitFor();
      await page.getByText('Only 2 left').waitFor();
      // No more copies offered than are left.
      expect(await page.getByLabel('Quantity').locator('option').allTextContents()).toEqual(['1', '2']);
      await page.goto(`${store.baseUrl}/books/${soldOut.id}`);
      await page.getByRole('heading', { level: 1, name: soldOut.title }).waitFor();
      await page.locator('.stock-note', { hasText: 'Out of stock' }).waitFor();
      // Nothing to add: the button says why instead.
      expect(await page.getByRole('button', { name: 'Out of stock' }).isDisabled()).toBe(true);
      expect(await page.getByRole('button', { name: 'Add to cart' }).count()).toBe(0);

      await page.goto(`${store.baseUrl}/search?q=tidewater`);
      await settled(page);
      await eventually(page, async () => {
        const row = (title: string) => page.getByRole('listitem').filter({ has: page.getByRole('link', { name: title }) });
        expect(await row(fewLeft.title).textContent()).toContain('Only 2 left');
        expect(await row(soldOut.title).textContent()).toContain('Out of stock');
        const plentyRow = await row(plenty.title).textContent();
        expect(plentyRow).not.toContain('left');
        expect(plentyRow).not.toContain('Out of stock');
      });

      await page.goto(`${store.baseUrl}/category/Sea%20Stories`);
      await page.getByRole('heading', { level: 1, name: 'Sea Stories' }).waitFor();
      await settled(page);
      const card = (title: string) => page.getByRole('article').filter({ has: page.getByRole('link', { name: title }) });
      expect(await card(fewLeft.title).textContent()).toContain('Only 2 left');
      expect(await card(soldOut.title).textContent()).toContain('Out of stock');
      expect(await card(plenty.title).locator('.stock-note').count()).toBe(0);
    } finally {
      await page.close();
    }
  });

  it('warns in the cart when a line wants more copies than are left, and a checkout that cannot be filled names each short book', async () => {
    const buyer = await api.signUp('Stella Short');
    await api.ok('PUT', `/api/v1/cart/items/${fewLeft.id}`, { token: buyer.token, body: { quantity: 3 } });
    await api.ok('PUT', `/api/v1/cart/items/${plenty.id}`, { token: buyer.token, body: { quantity: 1 } });
    const page = await signedInPage(buyer);
    try {
      await page.goto(`${store.baseUrl}/cart`);
      const warning = page.getByRole('status', { name: 'Stock warning' });
      await warning.waitFor();
      expect(await warning.textContent()).toContain(`${fewLeft.title}: you want 3 copies, only 2 copies left.`);
      expect(await warning.textContent()).not.toContain(plenty.title);

      await page.getByRole('link', { name: 'Check out' }).click();
      await page.getByRole('heading', { level: 1, name: 'Checkout' }).waitFor();
      await fillAddress(page);
      await page.getByRole('button', { name: 'Place order' }).click();
      const alert = page.getByRole('alert').filter({ hasText: 'fewer copies than your cart wants' });
      await alert.waitFor();
      const shortages = alert.getByRole('list', { name: 'Books short of copies' }).getByRole('listitem');
      expect(await shortages.allTextContents()).toEqual([`${fewLeft.title}: you ordered 3 copies, only 2 copies left.`]);
      expect(await ordersOf(buyer)).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('shows a declined card clearly and creates nothing', async () => {
    const buyer = await api.signUp('Dora Declined');
    await api.ok('PUT', `/api/v1/cart/items/${fewLeft.id}`, { token: buyer.token, body: { quantity: 1 } });
    const page = await signedInPage(buyer);
    try {
      await page.goto(`${store.baseUrl}/checkout`);
      await page.getByRole('heading', { level: 1, name: 'Checkout' }).waitFor();
      await fillAddress(page);
      await page.getByLabel('Card number').fill(DECLINED_CARD);
      await page.getByRole('button', { name: 'Place order' }).click();
      await page.getByRole('alert').filter({ hasText: 'Your card was declined, and nothing was charged.' }).waitFor();
      expect(new URL(page.url()).pathname).toBe('/checkout');

      expect(await ordersOf(buyer)).toEqual([]);
      const cart = await api.ok<{ lines: Array<{ bookId: string; quantity: number }> }>('GET', '/api/v1/cart', { token: buyer.token });
      expect(cart.lines.map((l) => [l.bookId, l.quantity])).toEqual([[fewLeft.id, 1]]);
      expect((await api.ok<{ stock: number }>('GET', `/api/v1/books/${fewLeft.id}`)).stock).toBe(2);
    } finally {
      await page.close();
    }
  });

  it('lets a buyer review the book and shows the rating change', async () => {
    const reader = await api.signUp('Rhea Reviewer');
    await api.buy(reader, plenty.id, 1);
    const page = await signedInPage(reader);
    try {
      await page.goto(`${store.baseUrl}/books/${plenty.id}`);
      await page.getByRole('heading', { level: 1, name: plenty.title }).waitFor();
      const facts = page.locator('.book-facts');
      expect(await facts.getByText('Rated 4.2 out of 5').count()).toBe(1);

      const form = page.getByRole('form', { name: 'Review this book' });
      await form.getByLabel('Rating').selectOption('2');
      await form.getByLabel('Title (optional)').fill('Too much fog');
      await form.getByRole('button', { name: 'Post review' }).click();
      await page.getByText('Thanks: your review is saved.').waitFor();

      await facts.getByText('Rated 2.0 out of 5').waitFor();
      expect(await facts.textContent()).toContain('1 review');
      await page.getByRole('region', { name: /Reviews/ }).getByText('Too much fog').waitFor();
      await page.reload();
      await page.locator('.book-facts').getByText('Rated 2.0 out of 5').waitFor();
    } finally {
      await page.close();
    }
  });

  it('lets the admin ship a paid order from the orders screen, and the customer sees it with its history', async () => {
    const buyer = await api.signUp('Sam Shipped');
    await api.ok('PUT', `/api/v1/cart/items/${plenty.id}`, { token: buyer.token, body: { quantity: 2 } });
    await api.ok('POST', '/api/v1/orders', { token: buyer.token, headers: { 'idempotency-key': `e2e-ship-${Date.now()}` }, body: { payment: { cardNumber: '4242 4242 4242 4242' } } });
    const [order] = await ordersOf(buyer);
    expect(order!.status).toBe('paid');

    const adminPage = await signedInPage(admin);
    try {
      await adminPage.goto(`${store.baseUrl}/admin`);
      await adminPage.getByRole('link', { name: 'Manage orders' }).click();
      await adminPage.getByRole('heading', { level: 1, name: 'Orders' }).waitFor();
      await adminPage.getByLabel('Status', { exact: true }).selectOption('paid');
      await adminPage.waitForURL((url) => url.searchParams.get('status') === 'paid');
      const row = adminPage.getByRole('row').filter({ hasText: order!.id });
      await row.waitFor();
      // Only the moves the server allows from paid are offered.
      expect(await row.getByRole('button').allTextContents()).toEqual([`Mark shipped ${order!.id}`, `Cancel order ${order!.id}`]);
      await row.getByRole('button', { name: `Mark shipped ${order!.id}` }).click();
      await adminPage.getByRole('status').filter({ hasText: `Order ${order!.id} is now shipped.` }).waitFor();
      // Filtered to paid, the shipped order leaves the list.
      await row.waitFor({ state: 'detached' });
    } finally {
      await adminPage.close();
    }

    const page = await signedInPage(buyer);
    try {
      await page.goto(`${store.baseUrl}/orders/${order!.id}`);
      await page.getByRole('heading', { name: `Order ${order!.id}` }).waitFor();
      expect(await page.locator('.order-status').first().textContent()).toBe('Shipped');
      const history = page.getByRole('list', { name: 'Status history' }).getByRole('listitem');
      const lines = await history.allTextContents();
      // Paid at checkout, so placed and paid at once by the customer; then shipped by the shop.
      expect(lines.map((l) => l.split(' ')[0])).toEqual(['Placed', 'Paid', 'Shipped']);
      expect(lines[1]).toMatch(/ by you$/);
      expect(lines[2]).toMatch(/ by the shop$/);
      // Shipped: too late for the customer to cancel.
      expect(await page.getByRole('button', { name: 'Cancel this order' }).count()).toBe(0);
    } finally {
      await page.close();
    }
  });

  it('shows the admin the reason when a move is refused because the order changed meanwhile', async () => {
    const buyer = await api.signUp('Cora Cancel');
    await api.buy(buyer, plenty.id, 1);
    const [order] = await ordersOf(buyer);

    const adminPage = await signedInPage(admin);
    try {
      await adminPage.goto(`${store.baseUrl}/admin/orders?status=placed`);
      const row = adminPage.getByRole('row').filter({ hasText: order!.id });
      await row.getByRole('button', { name: `Mark paid ${order!.id}` }).waitFor();
      // The customer cancels while the admin looks at the order as placed.
      await api.ok('POST', `/api/v1/orders/${order!.id}/cancel`, { token: buyer.token });
      await row.getByRole('button', { name: `Mark paid ${order!.id}` }).click();
      const refused = adminPage.getByRole('alert').filter({ hasText: 'The store refused this change' });
      await refused.waitFor();
      expect(await refused.textContent()).toContain(`order ${order!.id}: an admin cannot change an order that is cancelled`);
      // The list is read again: the cancelled order has left the placed ones.
      await row.waitFor({ state: 'detached' });
      expect((await api.ok<{ order: Order }>('GET', `/api/v1/orders/${order!.id}`, { token: buyer.token })).order.status).toBe('cancelled');
    } finally {
      await adminPage.close();
    }
  });

  it('lets a customer cancel an order before it ships, with clear feedback', async () => {
    const buyer = await api.signUp('Nell Nevermind');
    await api.buy(buyer, plenty.id, 3);
    const [order] = await ordersOf(buyer);
    const page = await signedInPage(buyer);
    try {
      await page.goto(`${store.baseUrl}/orders/${order!.id}`);
      page.once('dialog', (dialog) => void dialog.accept());
      await page.getByRole('button', { name: 'Cancel this order' }).click();
      await page.getByRole('status').filter({ hasText: 'Your order is cancelled.' }).waitFor();
      expect(await page.locator('.order-status').first().textContent()).toBe('Cancelled');
      const lines = await page.getByRole('list', { name: 'Status history' }).getByRole('listitem').allTextContents();
      expect(lines.map((l) => l.split(' ')[0])).toEqual(['Placed', 'Cancelled']);
      expect(await page.getByRole('button', { name: 'Cancel this order' }).count()).toBe(0);
      expect((await ordersOf(buyer))[0]!.status).toBe('cancelled');
    } finally {
      await page.close();
    }
  });

  it('gives a customer without friends a personal shelf, with the reason for each book', async () => {
    const loner = await api.signUp('Lena Lone');
    const fiction = await api.ok<{ items: Array<{ id: string }> }>('GET', '/api/v1/books?category=Fiction&limit=5');
    const bought = fiction.items.find((b) => ![fewLeft.id, soldOut.id, plenty.id].includes(b.id))!;
    await api.buy(loner, bought.id, 1);
    await api.ok('PUT', `/api/v1/books/${bought.id}/review`, { token: loner.token, body: { rating: 5 } });
    expect((await api.ok<{ friends: unknown[] }>('GET', '/api/v1/friends', { token: loner.token })).friends).toEqual([]);

    const page = await signedInPage(loner);
    try {
      await settled(page);
      await eventually(page, async () => {
        const shelf = page.getByRole('region', { name: 'Recommended for you' });
        const cards = shelf.getByRole('listitem');
        expect(await cards.count()).toBeGreaterThan(0);
        const notes = await shelf.locator('.book-card-note').allTextContents();
        expect(notes.length).toBe(await cards.count());
        expect(notes.every((n) => n.trim().length > 0 && !/friend/.test(n))).toBe(true);
        expect(notes.some((n) => /Fiction|rated|liked/.test(n))).toBe(true);
        expect(await shelf.getByRole('link', { name: new RegExp(`^${(await api.ok<{ title: string }>('GET', `/api/v1/books/${bought.id}`)).title}$`) }).count()).toBe(0);
      }, 30_000);
    } finally {
      await page.close();
    }
  });

  it('fits a 360 px phone screen without sideways scrolling: home, search, book, cart, orders and the admin orders', async () => {
    const buyer = await api.signUp('Pia Phone');
    await api.buy(buyer, plenty.id, 2);
    await api.ok('PUT', `/api/v1/cart/items/${fewLeft.id}`, { token: buyer.token, body: { quantity: 3 } });
    const [order] = await ordersOf(buyer);
    const phone = await signedInPage(buyer, PHONE_360);
    const adminPhone = await signedInPage(admin, PHONE_360);
    const screens: Array<[Page, string, string]> = [
      [phone, '/', 'Welcome back'],
      [phone, '/search?q=tidewater', 'Results for'],
      [phone, `/books/${fewLeft.id}`, fewLeft.title],
      [phone, '/cart', 'Your cart'],
      [phone, '/orders', 'Your orders'],
      [phone, `/orders/${order!.id}`, 'Order'],
      [adminPhone, '/admin', 'Admin'],
      [adminPhone, '/admin/orders', 'Orders'],
    ];
    const overflowing: string[] = [];
    try {
      for (const [page, path, heading] of screens) {
        await page.goto(store.baseUrl + path);
        await page.getByRole('heading', { level: 1, name: heading }).first().waitFor();
        await settled(page);
        await saveScreenshot(page, `phone-360${path.replace(/[^a-z0-9]+/gi, '-').replace(/-$/, '') || '-home'}`);
        const overflow = await horizontalOverflow(page);
        if (overflow > 0) overflowing.push(`${path}: ${overflow} px too wide`);
      }
      expect(overflowing).toEqual([]);
      // The admin's orders table really is on screen, each row readable without scrolling.
      const row = adminPhone.getByRole('row').filter({ hasText: order!.id });
      const box = await row.boundingBox();
      expect(box!.x + box!.width).toBeLessThanOrEqual(PHONE_360.width);
    } finally {
      await phone.close();
      await adminPhone.close();
    }
  });
});
