import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CUSTOMER_EMAIL, seedStore, type SeedSummary } from '../../src/cli/seed/seed.js';
import { CLASSICS } from '../../src/cli/seed/classics.js';
import { generateUsers } from '../../src/cli/seed/demo-data.js';
import { openStore, type Store } from '../../src/composition.js';
import { loadConfig } from '../../src/config.js';
import type { Book } from '../../src/domain/book.js';
import { AuthenticationError } from '../../src/domain/errors.js';
import { tempDir } from '../support/temp-dir.js';

const SIZES = { books: 80, users: 30, orders: 120, seed: 7 };
const NOW = Date.UTC(2025, 5, 15, 12, 30);

async function freshStore(): Promise<{ store: Store; remove(): Promise<void> }> {
  const dir = tempDir('bookstore-seed-');
  const store = await openStore(loadConfig({ BOOKSTORE_DATA_DIR: dir.path, BOOKSTORE_SCRYPT_COST: '16384' }));
  return {
    store,
    async remove() {
      await store.close();
      dir.remove();
    },
  };
}

async function allBooks(store: Store): Promise<Book[]> {
  const books: Book[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.catalog.list({ limit: 50, cursor });
    books.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return books;
}

describe('seedStore', () => {
  let first: Awaited<ReturnType<typeof freshStore>>;
  let store: Store;
  let summary: SeedSummary;

  beforeAll(async () => {
    first = await freshStore();
    store = first.store;
    summary = await seedStore(store, { ...SIZES, now: NOW });
  });

  afterAll(async () => {
    await first.remove();
  });

  it('writes the requested numbers of books, users and orders', async () => {
    expect(summary).toMatchObject({ books: 80, users: 30, orders: 122 });
    expect(summary.friendships).toBeGreaterThanOrEqual(30);
    expect(await allBooks(store)).toHaveLength(80);
    expect((await store.catalog.categories()).length).toBeGreaterThanOrEqual(8);
    for (const classic of CLASSICS.slice(0, 3)) expect(await store.catalog.findByIsbn(classic.isbn)).toMatchObject({ title: classic.title });
  });

  it('creates generated users without passwords, so they cannot sign in', async () => {
    const [someone] = generateUsers(SIZES.seed, 1);
    const user = await store.users.findByEmail(someone!.email);
    expect(user).toMatchObject({ name: someone!.name, role: 'customer' });
    expect(await store.users.passwordHash(user!.id)).toBeNull();
    await expect(store.identity.signIn(someone!.email, 'any password at all')).rejects.toThrow(AuthenticationError);
  });

  it('gives the demo customer a password that signs in', async () => {
    expect(summary.demoCustomer.email).toBe(DEMO_CUSTOMER_EMAIL);
    expect(summary.demoCustomer.password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const token = await store.identity.signIn(summary.demoCustomer.email, summary.demoCustomer.password!);
    expect(await store.identity.verify(token.accessToken)).toMatchObject({ userId: summary.demoCustomer.userId, role: 'customer' });
  });

  it('gives the demo customer orders, accepted friends who bought books, and a pending request', async () => {
    const demo = summary.demoCustomer.userId;
    expect((await store.orders.listByUser(demo, { limit: 10 })).items).toHaveLength(2);
    const friendships = await store.friendships.listFor(demo);
    const accepted = friendships.filter((f) => f.status === 'accepted');
    expect(accepted.length).toBeGreaterThanOrEqual(3);
    expect(friendships.filter((f) => f.status === 'pending' && f.requestedBy !== demo)).toHaveLength(1);
    for (const f of accepted) {
      const friend = f.userA === demo ? f.userB : f.userA;
      expect((await store.orders.listByUser(friend, { limit: 1 })).items.length).toBe(1);
    }
    await store.projections.catchUp();
    expect((await store.graph.recommendedFor(demo, 10)).length).toBeGreaterThan(0);
  });

  it('spreads orders over time so the bestseller windows differ', async () => {
    await store.projections.catchUp();
    const units = async (window: '1d' | '7d' | 'all') =>
      (await store.bestsellers.top({ window, limit: 1000, now: NOW })).reduce((s, e) => s + e.units, 0);
    const [day, week, all] = [await units('1d'), await units('7d'), await units('all')];
    expect(week).toBeGreaterThanOrEqual(day);
    expect(all).toBeGreaterThan(week);
    expect(week).toBeGreaterThan(0);
  });

  it('adds nothing when run again', async () => {
    const head = await store.changeFeed!.head();
    const again = await seedStore(store, { ...SIZES, now: NOW });
    expect(again.orders).toBe(0);
    expect(again.demoCustomer).toEqual({ userId: summary.demoCustomer.userId, email: DEMO_CUSTOMER_EMAIL, password: null });
    expect(await store.changeFeed!.head()).toEqual(head);
  });

  it('generates the same catalog from the same seed', async () => {
    const second = await freshStore();
    try {
      await seedStore(second.store, { ...SIZES, now: NOW });
      const fingerprint = (books: Book[]) => books.map((b) => [b.isbn, b.title, b.price]).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
      expect(fingerprint(await allBooks(second.store))).toEqual(fingerprint(await allBooks(store)));
    } finally {
      await second.remove();
    }
  });
});
