import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchBrowser, type Browser } from './support/browser.js';
import { PASSWORD, StoreApi, type Person } from './support/api.js';
import { seriousAccessibilityViolations, settled } from './support/pages.js';
import { startStorefront, type Storefront } from './support/server.js';

const SHELF = 'Tidewater Almanacs';
const SHELF_SIZE = 30;

/** Titles of the book cards on the page, in order. */
const cardTitles = (page: Page) => page.locator('.book-card-title').allTextContents();

/** Waits for the cards to be `expected`: the URL changes a moment before the new page renders. */
const showsTitles = (page: Page, expected: string[], pick: (titles: string[]) => string[] = (t) => t) =>
  expect.poll(async () => pick(await cardTitles(page)), { timeout: 15_000 }).toEqual(expected);

describe('the category page and a US checkout in Chromium', () => {
  let store: Storefront;
  let browser: Browser;
  let api: StoreApi;
  let page: Page;
  let customer: Person;
  let book: { id: string; title: string };

  beforeAll(async () => {
    store = await startStorefront({ books: 200, users: 20, orders: 100 });
    api = new StoreApi(store.baseUrl);
    const admin = await api.signUp('Ada Shelver');
    store.cli(['admin', 'create', admin.email]);
    const adminToken = await api.signIn(admin.email, PASSWORD);
    // Prices 5.00, 6.00, … and ratings cycling 1.5 to 4.5: enough for two pages of 24.
    for (let i = 0; i < SHELF_SIZE; i++) {
      const created = await api.createBook(adminToken, {
        title: `Almanac ${String(i + 1).padStart(2, '0')}`,
        category: SHELF,
        price: 500 + i * 100,
        rating: 1.5 + (i % 4),
        year: 1990 + i,
      });
      if (i === 0) book = created;
    }
    customer = await api.signUp('Walt Whitman');
    browser = await launchBrowser();
    page = await browser.context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await store?.stop();
  });

  const shelfUrl = () => `${store.baseUrl}/category/${encodeURIComponent(SHELF)}`;
  const params = () => Object.fromEntries(new URL(page.url()).searchParams);

  it('sorts a shelf by price, and the URL says so', async () => {
    await page.goto(shelfUrl());
    // The search index follows the catalog through the change feed: reload until the shelf is in.
    for (let attempt = 0; attempt < 40; attempt++) {
      await settled(page);
      if ((await page.getByRole('status').filter({ hasText: `${SHELF_SIZE} books` }).count()) === 1) break;
      await page.waitForTimeout(500);
      await page.reload();
    }
    await page.getByRole('status').filter({ hasText: `${SHELF_SIZE} books, page 1 of 2` }).waitFor();

    await page.getByLabel('Sort by').selectOption({ label: 'Price: low to high' });
    await page.waitForURL((url) => url.searchParams.get('sort') === 'price_asc');
    await showsTitles(page, ['Almanac 01', 'Almanac 02', 'Almanac 03'], (t) => t.slice(0, 3));
    expect(await cardTitles(page)).toHaveLength(24);

    await page.getByLabel('Sort by').selectOption({ label: 'Price: high to low' });
    await page.waitForURL((url) => url.searchParams.get('sort') === 'price_desc');
    await showsTitles(page, ['Almanac 30'], (t) => t.slice(0, 1));
  });

  it('moves through numbered pages, keeps them in the URL, and the back button returns', async () => {
    await page.getByRole('navigation', { name: `Pages of ${SHELF}` }).getByRole('link', { name: 'Page 2' }).click();
    await page.waitForURL((url) => url.searchParams.get('page') === '2');
    await showsTitles(page, ['Almanac 06', 'Almanac 05', 'Almanac 04', 'Almanac 03', 'Almanac 02', 'Almanac 01']);
    await page.getByRole('status').filter({ hasText: 'page 2 of 2' }).waitFor();
    expect(await page.locator('[aria-current="page"]').textContent()).toBe('Page 2');

    // Shared as a link: a fresh tab shows the same page.
    const other = await browser.context.newPage();
    await other.goto(page.url());
    await showsTitles(other, await cardTitles(page));
    await other.close();

    await page.goBack();
    await page.waitForURL((url) => !url.searchParams.has('page') && url.searchParams.get('sort') === 'price_desc');
    await showsTitles(page, ['Almanac 30'], (t) => t.slice(0, 1));
  });

  it('filters by rating and price, back on the first page, with facet counts', async () => {
    await page.getByRole('navigation', { name: `Pages of ${SHELF}` }).getByRole('link', { name: 'Page 2' }).click();
    await page.waitForURL((url) => url.searchParams.get('page') === '2');
    // A click, not check(): the radio follows the URL, so it shows checked once the navigation renders.
    await page.getByLabel('4 stars and up').click();
    await page.waitForURL((url) => url.searchParams.get('minRating') === '4');
    expect(params()).toEqual({ sort: 'price_desc', minRating: '4' });
    // Ratings 4.5 are every fourth book: 4, 8, … 28.
    await showsTitles(page, ['Almanac 28', 'Almanac 24', 'Almanac 20', 'Almanac 16', 'Almanac 12', 'Almanac 08', 'Almanac 04']);
    expect(await page.getByRole('navigation', { name: `Pages of ${SHELF}` }).count()).toBe(0);

    await page.getByLabel(/^\$10 to \$20/).click();
    await page.waitForURL((url) => url.searchParams.get('minPrice') === '1000' && url.searchParams.get('maxPrice') === '1999');
    await showsTitles(page, ['Almanac 12', 'Almanac 08']);
    await page.getByRole('status').filter({ hasText: /^2 books$/ }).waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    await page.getByRole('link', { name: 'Clear filters' }).click();
    await page.waitForURL((url) => !url.searchParams.has('minRating') && !url.searchParams.has('minPrice'));
    await page.getByRole('status').filter({ hasText: `${SHELF_SIZE} books, page 1 of 2` }).waitFor();
  });

  it('answers a page number past the bound with a way back, not an error', async () => {
    await page.goto(`${shelfUrl()}?page=101`);
    await page.getByText('There is no such page of this shelf.').waitFor();
    await page.getByRole('link', { name: 'Go to the first page' }).click();
    await page.waitForURL((url) => !url.searchParams.has('page'));
    await page.getByRole('status').filter({ hasText: `${SHELF_SIZE} books` }).waitFor();
    // A page past the shelf's last (a shared link to a shelf that shrank) offers the first page too.
    await page.goto(`${shelfUrl()}?page=7`);
    await page.getByText('There is no such page of this shelf.').waitFor();
    expect(await page.getByRole('navigation', { name: `Pages of ${SHELF}` }).count()).toBe(0);
    // The API refuses a page past the bound, naming the parameter.
    const refused = await api.call('GET', `/api/v1/search?category=${encodeURIComponent(SHELF)}&page=101`);
    expect(refused.status).toBe(400);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
  });

  it('checks out to a US address with its state and prints it as US mail does', async () => {
    await api.ok('PUT', `/api/v1/cart/items/${book.id}`, { token: customer.token, body: { quantity: 1 } });
    await page.goto(`${store.baseUrl}/signin`);
    await page.getByLabel('Email').fill(customer.email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: /Sign out/ }).waitFor();

    await page.goto(`${store.baseUrl}/checkout`);
    await page.getByRole('heading', { level: 1, name: 'Checkout' }).waitFor();
    expect(await page.getByLabel('Country').inputValue()).toBe('US');
    await page.getByLabel('Address', { exact: true }).fill('1600 Pennsylvania Avenue NW');
    await page.getByLabel('City').fill('Washington');
    await page.getByLabel('ZIP code').fill('20500');
    // Without a state the form says so before asking the server.
    await page.getByRole('button', { name: 'Place order' }).click();
    await page.getByRole('alert').filter({ hasText: 'One detail needs fixing' }).waitFor();
    expect(await page.getByLabel('State').getAttribute('aria-invalid')).toBe('true');

    await page.getByLabel('State').selectOption({ label: 'District of Columbia' });
    await page.getByRole('button', { name: 'Place order' }).click();
    await page.getByRole('heading', { level: 1, name: 'Thank you, your order is placed' }).waitFor();
    await page.getByText('Washington, DC 20500').waitFor();

    const orders = await api.ok<{ items: Array<{ shippingAddress: Record<string, string> }> }>('GET', '/api/v1/orders', { token: customer.token });
    expect(orders.items[0]!.shippingAddress).toMatchObject({ city: 'Washington', state: 'DC', postalCode: '20500', country: 'US' });
  });
});
