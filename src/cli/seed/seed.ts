import { randomBytes } from 'node:crypto';
import type { RecordPorts } from '../../composition.js';
import type { Book, BookInput } from '../../domain/book.js';
import type { CartLine } from '../../domain/cart.js';
import { requestFriendship } from '../../domain/friendship.js';
import { newId } from '../../domain/ids.js';
import { priceCart, type Order } from '../../domain/order.js';
import type { Friendships } from '../../ports/friendships.js';
import { noProgress, startProgress, type Progress } from '../progress.js';
import { bookIsbn, generateBooks, generateFriendships, generateUsers, planSales, type PlannedOrder } from './demo-data.js';

export interface SeedOptions {
  books: number;
  users: number;
  orders: number;
  seed: number;
  progress?: boolean;
  /** Epoch ms the last 30 days of orders end at; defaults to now. */
  now?: number;
}

export interface SeedSummary {
  books: number;
  users: number;
  /** Accepted friendships, the demo customer's included. */
  friendships: number;
  /** Orders placed by this run (orders a previous run already placed are not counted again). */
  orders: number;
  demoCustomer: {
    userId: string;
    email: string;
    /** Null when the demo customer already existed: its password was shown when it was created and is not stored. */
    password: string | null;
  };
}

export const DEMO_CUSTOMER_EMAIL = 'demo@example.com';
const DEMO_CUSTOMER_NAME = 'Demo Customer';
const BOOK_BATCH = 1000;

/**
 * Fills a store with a deterministic demo: books, users with power-law friendships, and orders over
 * the last 30 days, all written through the ports (so every write lands on the change feed like any
 * other). Generated users have no password and cannot sign in; only the demo customer can, with a
 * random password returned here once and never stored in plain text.
 *
 * Safe to run again: books are upserted by ISBN, users are found by email, friendships by pair and
 * orders by a deterministic idempotency key, so a second run adds nothing it already added.
 */
export async function seedStore(store: RecordPorts, options: SeedOptions): Promise<SeedSummary> {
  const now = options.now ?? Date.now();
  const phase = (label: string, total: number): Progress => (options.progress ? startProgress(label, total) : noProgress);

  await seedBooks(store, options.seed, options.books, phase('books', options.books));

  const users = generateUsers(options.seed, options.users);
  const userIds: string[] = [];
  const userProgress = phase('users', users.length);
  for (const user of users) {
    const existing = await store.users.findByEmail(user.email);
    userIds.push((existing ?? (await store.users.create({ email: user.email, name: user.name, role: 'customer' }))).id);
    userProgress.increment();
  }
  userProgress.stop();

  let friendships = 0;
  const edges = generateFriendships(options.seed, users.length);
  const friendProgress = phase('friendships', edges.length);
  for (const [i, [a, b]] of edges.entries()) {
    // Friendships formed over the last 60 days, oldest first, so their times look lived-in.
    const at = new Date(now - Math.round(((edges.length - i) / edges.length) * 60 * 86_400_000)).toISOString();
    await befriend(store.friendships, userIds[a]!, userIds[b]!, at);
    friendships++;
    friendProgress.increment();
  }
  friendProgress.stop();

  const plan = planSales(options.seed, { books: options.books, users: users.length, orders: options.orders, now });
  const demo = await ensureDemoCustomer(store);
  const recent = new Date(now - 86_400_000).toISOString();
  for (const friend of plan.demoFriends) {
    await befriend(store.friendships, demo.userId, userIds[friend]!, recent);
    friendships++;
  }
  if (plan.demoPendingFrom !== null) await askToBefriend(store.friendships, userIds[plan.demoPendingFrom]!, demo.userId, recent);

  const placer = new OrderPlacer(store);
  const orderProgress = phase('orders', plan.orders.length);
  let orders = 0;
  for (const planned of plan.orders) {
    const userId = planned.user === 'demo' ? demo.userId : userIds[planned.user]!;
    const name = planned.user === 'demo' ? DEMO_CUSTOMER_NAME : users[planned.user]!.name;
    if (await placer.place(userId, name, planned)) orders++;
    orderProgress.increment();
  }
  orderProgress.stop();

  return { books: options.books, users: users.length, friendships, orders, demoCustomer: demo };
}

async function seedBooks(store: RecordPorts, seed: number, count: number, progress: Progress): Promise<void> {
  let batch: BookInput[] = [];
  const flush = async () => {
    await store.catalog.upsertByIsbn(batch);
    progress.increment(batch.length);
    batch = [];
  };
  for (const book of generateBooks(seed, count)) {
    batch.push(book);
    if (batch.length === BOOK_BATCH) await flush();
  }
  if (batch.length > 0) await flush();
  progress.stop();
}

/** Signs the demo customer up through the identity provider, which hashes the password. */
async function ensureDemoCustomer(store: RecordPorts): Promise<SeedSummary['demoCustomer']> {
  const existing = await store.users.findByEmail(DEMO_CUSTOMER_EMAIL);
  if (existing) return { userId: existing.id, email: DEMO_CUSTOMER_EMAIL, password: null };
  const password = randomBytes(18).toString('base64url');
  const user = await store.identity.signUp({ email: DEMO_CUSTOMER_EMAIL, password, name: DEMO_CUSTOMER_NAME });
  return { userId: user.id, email: user.email, password };
}

/** `from` asks `to`; a pending request stays pending, so the demo customer has one to answer. */
async function askToBefriend(friendships: Friendships, from: string, to: string, at: string): Promise<void> {
  const current = await friendships.get(from, to);
  const next = requestFriendship(current, from, to, at);
  if (next) await friendships.save(next, current?.version ?? 0);
}

/** Both sides ask, through the domain's own rules, so the pair ends accepted whatever state it was in. */
async function befriend(friendships: Friendships, x: string, y: string, at: string): Promise<void> {
  let current = await friendships.get(x, y);
  for (const [me, them] of [[x, y], [y, x]] as const) {
    const next = requestFriendship(current, me, them, at);
    if (next) {
      await friendships.save(next, current?.version ?? 0);
      current = next;
    }
  }
}

/** Places planned orders the way checkout does: fill the cart, price it from the catalog, place it. */
class OrderPlacer {
  private readonly books = new Map<number, Book>();

  constructor(private readonly store: RecordPorts) {}

  /** False when a previous run already placed this order. */
  async place(userId: string, name: string, planned: PlannedOrder): Promise<boolean> {
    const { carts, orders } = this.store;
    if (await orders.findByIdempotencyKey(userId, planned.idempotencyKey)) return false;
    const addedAt = new Date(planned.at - 5 * 60_000).toISOString();
    const lines: CartLine[] = [];
    const books = new Map<string, Book>();
    for (const l of planned.lines) {
      const book = await this.book(l.book);
      books.set(book.id, book);
      lines.push({ bookId: book.id, quantity: l.quantity, addedAt });
    }
    const current = await carts.get(userId);
    const cart = await carts.save(userId, lines, current.version);
    const priced = priceCart(cart, books);
    const order: Order = {
      id: newId(planned.at, planned.idBytes),
      userId,
      ...priced,
      status: 'placed',
      statusHistory: [{ status: 'placed', at: new Date(planned.at).toISOString(), by: { role: 'customer', userId } }],
      payment: null,
      shippingAddress: { name, ...planned.address },
      idempotencyKey: planned.idempotencyKey,
      createdAt: new Date(planned.at).toISOString(),
    };
    return (await orders.place(order, cart.version)).created;
  }

  private async book(index: number): Promise<Book> {
    let book = this.books.get(index);
    if (!book) {
      const found = await this.store.catalog.findByIsbn(bookIsbn(index));
      if (!found) throw new Error(`seeded book ${bookIsbn(index)} is missing from the catalog`);
      book = found;
      this.books.set(index, book);
    }
    return book;
  }
}
