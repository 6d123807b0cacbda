import { Faker, base, en } from '@faker-js/faker';
import type { BookInput } from '../../domain/book.js';
import { completeIsbn13 } from '../../domain/isbn.js';
import { CLASSICS } from './classics.js';
import { demoStock } from './stock.js';
import { Prng, ZipfSampler } from './prng.js';
import { CATEGORIES, type CategoryWords } from './word-lists.js';

/**
 * The demo store as data: books, users, friendships and orders, all derived from one seed. Each
 * kind of data draws from its own random stream, so the same seed always gives the same books
 * (titles, ISBNs, prices) whatever the number of users or orders.
 */

const DAY_MS = 86_400_000;
/** Orders are spread over this many days, so the 1d, 7d and all-time bestseller lists differ. */
export const ORDER_SPREAD_DAYS = 30;

/** Generated ISBNs: 979-8 (a real registration group) followed by the book's index, so each is unique. */
const GENERATED_ISBN_PREFIX = '9798';
const GENERATED_ISBN_CAPACITY = 100_000_000;

function fakerFor(prng: Prng): Faker {
  return new Faker({ locale: [en, base], seed: prng.int(0, 2 ** 31 - 1) });
}

/** The ISBN of catalog position `index`: the classics first, then generated books. */
export function bookIsbn(index: number): string {
  const classic = CLASSICS[index];
  if (classic) return classic.isbn;
  const n = index - CLASSICS.length;
  if (n >= GENERATED_ISBN_CAPACITY) throw new Error(`the demo generator makes at most ${GENERATED_ISBN_CAPACITY} books`);
  return completeIsbn13(GENERATED_ISBN_PREFIX + String(n).padStart(8, '0'));
}

interface BookNames {
  F: string;
  L: string;
  P: string;
  T: string;
  /** The book's main noun: the first {N} of the title and every {n}, so "the rabbit" of the blurb is the title's. */
  N: string;
}

/** Fills `{slot}`s. Per-book slots (names, place, topic, main noun) stay the same in title and description. */
function fill(template: string, words: CategoryWords, fixed: BookNames, prng: Prng): string {
  const used = new Set<string>([fixed.N]);
  let mainNounUsed = false;
  const fresh = (list: readonly string[]): string => {
    for (let attempt = 0; attempt < 5; attempt++) {
      const w = prng.pick(list);
      if (!used.has(w)) {
        used.add(w);
        return w;
      }
    }
    return prng.pick(list);
  };
  return template
    .replace(/\{(\w)\}/g, (_, slot: string) => {
      switch (slot) {
        case 'F':
        case 'L':
        case 'P':
        case 'T':
          return fixed[slot];
        case 'A':
          return fresh(words.A);
        case 'N':
          if (mainNounUsed) return fresh(words.N);
          mainNounUsed = true;
          return fixed.N;
        case 'n':
          return fixed.N.toLowerCase();
        case 'S':
          return fresh(words.S);
        case 'X':
          return fresh(words.X ?? ['Seven']);
        default:
          throw new Error(`unknown slot {${slot}} in "${template}"`);
      }
    })
    .replace(/\b[Tt]he the /g, (m) => (m[0] === 'T' ? 'The ' : 'the '))
    // "A Alibi" → "An Alibi": the article is in the template, the word after it is drawn.
    .replace(/\b([Aa]) (?=[AEIOUaeiou])/g, '$1n ');
}

function describe(words: CategoryWords, fixed: BookNames, prng: Prng): string {
  const sentences = [fill(prng.pick(words.openers), words, fixed, prng)];
  const middles = prng.chance(0.5) ? 2 : 1;
  const first = prng.int(0, words.middles.length - 1);
  for (let i = 0; i < middles; i++) sentences.push(words.middles[(first + i) % words.middles.length]!);
  if (prng.chance(0.6)) sentences.push(prng.pick(words.closers));
  return sentences.join(' ');
}

/** Mostly $9.99–$24.99, a few up to $59.99; most prices end in .99. */
function price(prng: Prng): number {
  const dollars = 4 + Math.floor(56 * prng.next() ** 1.8);
  let cents = [99, 95, 49, 0][prng.weighted([60, 10, 10, 20])]!;
  if (dollars === 4) cents = 99;
  return dollars * 100 + cents;
}

/**
 * 3.0–4.8 with one decimal, mean about 4.1: the way average ratings of books that stay in print
 * look on real stores (a shelf of 1.8-star bestsellers tells a visitor the store is fake).
 */
function rating(prng: Prng): number {
  return Math.round((4.8 - 1.8 * prng.next() ** 1.5) * 10) / 10;
}

/**
 * Draws a title no earlier book has. Each category's patterns and words allow some thousands of
 * titles, so a demo of a few thousand books never repeats one; past that (benchmark catalogs of a
 * million) a repeat is accepted after a few draws, as real catalogs have them too.
 */
const TITLE_DRAWS = 16;
/** Titles are kept distinct this far; a benchmark catalog beyond it is not held in memory for that. */
const DISTINCT_TITLES_UP_TO = 10_000;

/** 1850–2026, most books recent. */
function year(prng: Prng): number {
  return 2026 - Math.floor(177 * prng.next() ** 3);
}

function personName(faker: Faker, prng: Prng): string {
  const middle = prng.chance(0.12) ? ` ${faker.person.firstName().charAt(0)}.` : '';
  return `${faker.person.firstName()}${middle} ${faker.person.lastName()}`;
}

/** Each category has its own authors, a few of them prolific, as in a real catalog. */
class AuthorPools {
  private readonly pools = new Map<string, { names: string[]; zipf: ZipfSampler }>();
  private readonly faker: Faker;
  private readonly prng: Prng;

  constructor(seed: number, private readonly totalBooks: number) {
    this.prng = new Prng(seed, 'authors');
    this.faker = fakerFor(this.prng);
  }

  pick(category: CategoryWords, count: number): string[] {
    let pool = this.pools.get(category.name);
    if (!pool) {
      const share = category.weight / CATEGORIES.reduce((s, c) => s + c.weight, 0);
      const size = Math.max(8, Math.ceil((this.totalBooks * share) / 4));
      const names = Array.from({ length: size }, () => personName(this.faker, this.prng));
      pool = { names, zipf: new ZipfSampler(size, 0.9) };
      this.pools.set(category.name, pool);
    }
    const chosen = new Set<string>();
    for (let attempt = 0; chosen.size < count && attempt < count * 5; attempt++) chosen.add(pool.names[pool.zipf.sample(this.prng)]!);
    return [...chosen];
  }
}

/** `count` books: the real classics first, then generated ones. Lazy, so a big catalog is never held in memory. */
export function* generateBooks(seed: number, count: number): Generator<BookInput> {
  for (let i = 0; i < Math.min(count, CLASSICS.length); i++) yield CLASSICS[i]!;
  const prng = new Prng(seed, 'books');
  const faker = fakerFor(prng);
  const authors = new AuthorPools(seed, count);
  const categoryWeights = CATEGORIES.map((c) => c.weight);
  const usedTitles = new Set<string>(CLASSICS.slice(0, count).map((c) => c.title));
  for (let i = CLASSICS.length; i < count; i++) {
    const words = CATEGORIES[prng.weighted(categoryWeights)]!;
    const fixed: BookNames = {
      F: faker.person.firstName(),
      L: faker.person.lastName(),
      P: prng.pick(words.P),
      T: prng.pick(words.T ?? words.S),
      N: prng.pick(words.N),
    };
    const drawTitle = (): string => {
      const drawn = fill(prng.pick(words.titles), words, fixed, prng);
      // A topic such as "the Immune System" can open a title.
      return drawn.charAt(0).toUpperCase() + drawn.slice(1);
    };
    let title = drawTitle();
    const distinct = i < DISTINCT_TITLES_UP_TO;
    for (let draw = 1; distinct && usedTitles.has(title) && draw < TITLE_DRAWS; draw++) {
      Object.assign(fixed, { F: faker.person.firstName(), L: faker.person.lastName(), P: prng.pick(words.P), T: prng.pick(words.T ?? words.S), N: prng.pick(words.N) });
      title = drawTitle();
    }
    if (distinct) usedTitles.add(title);
    const description = describe(words, fixed, prng);
    yield {
      isbn: bookIsbn(i),
      title,
      authors: authors.pick(words, [1, 2, 3][prng.weighted([78, 17, 5])]!),
      category: words.name,
      description,
      price: price(prng),
      currency: 'USD',
      coverUrl: null,
      rating: rating(prng),
      year: year(prng),
      stock: demoStock(i),
    };
  }
}

export interface DemoUser {
  name: string;
  email: string;
}

function emailPart(name: string): string {
  const ascii = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z]/g, '');
  return ascii || 'reader';
}

/** Users named like people, with unique `first.last.N@example.com` addresses (a domain reserved for examples). */
export function generateUsers(seed: number, count: number): DemoUser[] {
  const prng = new Prng(seed, 'users');
  const faker = fakerFor(prng);
  return Array.from({ length: count }, (_, i) => {
    const first = faker.person.firstName();
    const last = faker.person.lastName();
    return { name: `${first} ${last}`, email: `${emailPart(first)}.${emailPart(last)}.${i + 1}@example.com` };
  });
}

/**
 * Accepted friendships between user indexes by preferential attachment: each newcomer befriends
 * one to three existing users, chosen in proportion to how many friends they already have, so the
 * degrees follow a power law (a few hubs with many friends, most people with a few).
 */
export function generateFriendships(seed: number, userCount: number): Array<[number, number]> {
  const prng = new Prng(seed, 'friendships');
  const edges: Array<[number, number]> = [];
  // Every user appears once, plus once per friendship: drawing from it is drawing by degree + 1.
  const tickets: number[] = [];
  for (let newcomer = 0; newcomer < userCount; newcomer++) {
    const wanted = Math.min(newcomer, 1 + prng.weighted([50, 30, 20]));
    const chosen = new Set<number>();
    while (chosen.size < wanted) chosen.add(tickets[Math.floor(prng.next() * tickets.length)]!);
    for (const friend of chosen) {
      edges.push([friend, newcomer]);
      tickets.push(friend, newcomer);
    }
    tickets.push(newcomer);
  }
  return edges;
}

export interface PlannedOrder {
  /** Deterministic, so re-seeding finds the order already placed instead of placing it again. */
  idempotencyKey: string;
  /** A user index, or the demo customer. */
  user: number | 'demo';
  /** Catalog positions (see bookIsbn) and quantities, distinct books. */
  lines: Array<{ book: number; quantity: number }>;
  /** Order time, epoch ms, within the last ORDER_SPREAD_DAYS days. */
  at: number;
  /** Random part of the order id. */
  idBytes: Uint8Array;
  address: { line1: string; city: string; postalCode: string; state: string; country: string };
}

export interface SalesPlan {
  /** Oldest first. */
  orders: PlannedOrder[];
  /** Friends of the demo customer: all of them bought something, so recommendations are never empty. */
  demoFriends: number[];
  /** A user who has asked to befriend the demo customer and is waiting for an answer. */
  demoPendingFrom: number | null;
}

/**
 * Orders over the last 30 days. Both who buys and what is bought are Zipf-distributed: a few
 * customers order often and a few books sell a lot, so the bestseller lists mean something.
 */
export function planSales(seed: number, sizes: { books: number; users: number; orders: number; now: number }): SalesPlan {
  const prng = new Prng(seed, 'orders');
  const faker = fakerFor(prng);
  if (sizes.books === 0 || sizes.users === 0) return { orders: [], demoFriends: [], demoPendingFrom: null };
  // Popularity ranks are shuffled so bestsellers are spread across the catalog, not its first rows.
  const buyerByRank = prng.permutation(sizes.users);
  const bookByRank = prng.permutation(sizes.books);
  const buyers = new ZipfSampler(sizes.users, 0.75);
  const titles = new ZipfSampler(sizes.books, 0.9);

  const plannedLines = (): PlannedOrder['lines'] => {
    const wanted = Math.min(sizes.books, 1 + prng.weighted([55, 25, 12, 8]));
    const books = new Set<number>();
    for (let attempt = 0; books.size < wanted && attempt < 20; attempt++) books.add(bookByRank[titles.sample(prng)]!);
    return [...books].map((book) => ({ book, quantity: 1 + prng.weighted([85, 12, 3]) }));
  };
  const address = (): PlannedOrder['address'] => ({
    line1: faker.location.streetAddress(),
    city: faker.location.city(),
    postalCode: faker.location.zipCode('#####'),
    country: 'US',
    state: faker.location.state({ abbreviated: true }),
  });

  const orders: PlannedOrder[] = [];
  const ordersPerUser = new Map<number, number>();
  for (let i = 0; i < sizes.orders; i++) {
    const user = buyerByRank[buyers.sample(prng)]!;
    ordersPerUser.set(user, (ordersPerUser.get(user) ?? 0) + 1);
    orders.push({
      idempotencyKey: `seed-${seed}-order-${i}`,
      user,
      lines: plannedLines(),
      // At least a minute old, so no order is ever in the future of the clock that reads it.
      at: sizes.now - 60_000 - Math.floor(prng.next() * ORDER_SPREAD_DAYS * DAY_MS),
      idBytes: prng.bytes(10),
      address: address(),
    });
  }

  // The demo customer's friends: the three most active buyers and three ordinary ones.
  const byActivity = [...ordersPerUser.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([u]) => u);
  const demoFriends = byActivity.slice(0, 3);
  const others = byActivity.slice(3);
  while (demoFriends.length < 6 && others.length > 0) demoFriends.push(others.splice(prng.int(0, others.length - 1), 1)[0]!);
  const strangers = Array.from({ length: sizes.users }, (_, u) => u).filter((u) => !demoFriends.includes(u));
  const demoPendingFrom = strangers.length > 0 ? prng.pick(strangers) : null;

  for (const [k, daysAgo] of [2, 9].entries()) {
    orders.push({
      idempotencyKey: `seed-${seed}-demo-${k}`,
      user: 'demo',
      lines: plannedLines(),
      at: sizes.now - daysAgo * DAY_MS - prng.int(0, 12) * 3_600_000,
      idBytes: prng.bytes(10),
      address: address(),
    });
  }
  orders.sort((a, b) => a.at - b.at);
  return { orders, demoFriends, demoPendingFrom };
}

