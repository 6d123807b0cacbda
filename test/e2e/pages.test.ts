import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { DESKTOP, launchBrowser, PHONE, type Browser } from './support/browser.js';
import { PASSWORD, StoreApi, type Person } from './support/api.js';
import { saveScreenshot, seriousAccessibilityViolations, settled } from './support/pages.js';
import { startStorefront, type Storefront } from './support/server.js';

type Who = 'visitor' | 'customer' | 'admin';

/** The main pages, each as the person who would see it. */
const PAGES: Array<{ name: string; who: Who; path: (ids: { book: string }) => string; ready: string | RegExp }> = [
  { name: 'home', who: 'customer', path: () => '/', ready: 'Recommended for you' },
  { name: 'search', who: 'visitor', path: () => '/search?q=history', ready: 'Results for “history”' },
  { name: 'category', who: 'visitor', path: () => '/category/Fantasy', ready: 'Fantasy' },
  { name: 'book', who: 'customer', path: (ids) => `/books/${ids.book}`, ready: 'Customers also bought' },
  { name: 'cart', who: 'customer', path: () => '/cart', ready: 'Your cart' },
  { name: 'checkout', who: 'customer', path: () => '/checkout', ready: 'Shipping address' },
  { name: 'orders', who: 'customer', path: () => '/orders', ready: 'Your orders' },
  { name: 'friends', who: 'customer', path: () => '/friends', ready: 'Your friends' },
  { name: 'sign-in', who: 'visitor', path: () => '/signin', ready: 'Sign in' },
  { name: 'admin', who: 'admin', path: () => '/admin', ready: 'Catalog' },
  { name: 'admin-orders', who: 'admin', path: () => '/admin/orders', ready: 'Orders' },
  { name: 'admin-edit', who: 'admin', path: (ids) => `/admin/books/${ids.book}/edit`, ready: /^Edit “/ },
];

/**
 * Whether the page scrolls sideways, and if so its farthest-reaching elements (absolutely positioned
 * ones escape a scrolling container whose box is not their containing block).
 */
async function sticksOut(page: Page): Promise<string[]> {
  return (await page.evaluate(`(() => {
    if (document.documentElement.scrollWidth <= window.innerWidth) return [];
    return Array.from(document.querySelectorAll('body *'))
      .map((el) => ({ el, right: el.getBoundingClientRect().right }))
      .filter(({ right }) => right > window.innerWidth + 1)
      .sort((a, b) => b.right - a.right)
      .slice(0, 5)
      .map(({ el, right }) => el.tagName.toLowerCase() + '.' + el.className + ' "' + (el.textContent || '').slice(0, 30) + '" (right edge ' + Math.round(right) + 'px)');
  })()`)) as string[];
}

/** Covers drawn at any shape but a book's 2:3, e.g. stretched to the height of a long title beside them. */
async function distortedCovers(page: Page): Promise<string[]> {
  return (await page.evaluate(`(() => Array.from(document.querySelectorAll('.cover'))
    .map((el) => { const b = el.getBoundingClientRect(); return { el, ratio: b.width > 0 ? b.height / b.width : 1.5 }; })
    .filter(({ ratio }) => Math.abs(ratio - 1.5) > 0.05)
    .slice(0, 5)
    .map(({ el, ratio }) => el.className + ' ' + ratio.toFixed(2) + ' "' + (el.getAttribute('aria-label') || el.textContent || '').slice(0, 30) + '"'))()`)) as string[];
}

describe('main pages at desktop and phone sizes', () => {
  let store: Storefront;
  let browser: Browser;
  const tabs = {} as Record<Who, Page>;
  const consoleErrors: string[] = [];
  let bookId: string;

  async function signIn(page: Page, person: Person): Promise<void> {
    await page.goto(`${store.baseUrl}/signin`);
    await page.getByLabel('Email').fill(person.email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.pathname === '/');
  }

  beforeAll(async () => {
    store = await startStorefront({ books: 400, users: 60, orders: 500 });
    const api = new StoreApi(store.baseUrl);
    const admin = await api.signUp('Ada Admin');
    store.cli(['admin', 'create', admin.email]);
    const adminToken = await api.signIn(admin.email, PASSWORD);

    // A customer with a friend who buys, an order of their own, and something in the cart.
    const customer = await api.signUp('Mara Quill');
    const friend = await api.signUp('Rosalind Finch');
    await api.ok('PUT', `/api/v1/friends/${friend.id}`, { token: customer.token });
    await api.ok('PUT', `/api/v1/friends/${customer.id}`, { token: friend.token });
    const top = await api.ok<{ items: Array<{ book: { id: string } }> }>('GET', '/api/v1/bestsellers?window=all&limit=6');
    bookId = top.items[0]!.book.id;
    await api.buy(friend, top.items[1]!.book.id, 1);
    await api.buy(friend, top.items[2]!.book.id, 1);
    await api.buy(customer, top.items[3]!.book.id, 2);
    await api.ok('PUT', `/api/v1/cart/items/${bookId}`, { token: customer.token, body: { quantity: 1 } });
    await api.ok('PUT', `/api/v1/cart/items/${top.items[4]!.book.id}`, { token: customer.token, body: { quantity: 2 } });
    await api.createBook(adminToken, { title: 'A Field Guide to Quiet Places', price: 2250 });

    browser = await launchBrowser();
    for (const who of ['visitor', 'customer', 'admin'] as const) {
      const page = await browser.context.newPage();
      page.on('console', (m) => {
        if (m.type() === 'error') consoleErrors.push(`${who} ${page.url()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => consoleErrors.push(`${who} ${page.url()}: ${e.message}`));
      tabs[who] = page;
    }
    await signIn(tabs.customer, customer);
    await signIn(tabs.admin, admin);
  });

  afterAll(async () => {
    await browser?.close();
    await store?.stop();
  });

  for (const { name, who, path, ready } of PAGES) {
    it(`${name}: renders at both sizes with no serious accessibility violation`, async () => {
      const page = tabs[who];
      for (const [size, viewport] of [
        ['desktop', DESKTOP],
        ['phone', PHONE],
      ] as const) {
        await page.setViewportSize(viewport);
        await page.goto(store.baseUrl + path({ book: bookId }));
        await page.getByRole('heading', { name: ready }).first().waitFor();
        await settled(page);
        await saveScreenshot(page, `${name}-${size}`);

        expect(await seriousAccessibilityViolations(page), `${name} at ${size}`).toEqual([]);
        // Nothing wider than the screen: no sideways scrolling on a phone.
        expect(await sticksOut(page), `${name} at ${size}`).toEqual([]);
        expect(await distortedCovers(page), `${name} at ${size}`).toEqual([]);
      }
    });
  }

  it('ran every page without a script error or a blocked resource (the CSP allows what the app needs)', () => {
    expect(consoleErrors).toEqual([]);
  });
});
