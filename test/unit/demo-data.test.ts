import { describe, expect, it } from 'vitest';
import { CLASSICS } from '../../src/cli/seed/classics.js';
import { bookIsbn, generateBooks, generateFriendships, generateUsers, ORDER_SPREAD_DAYS, planSales } from '../../src/cli/seed/demo-data.js';
import { Prng, ZipfSampler } from '../../src/cli/seed/prng.js';
import { validateBookInput } from '../../src/domain/book.js';
import { normalizeIsbn } from '../../src/domain/isbn.js';

const DAY_MS = 86_400_000;

describe('demo books', () => {
  const books = [...generateBooks(42, 1500)];

  it('are the same for the same seed and differ for another', () => {
    expect([...generateBooks(42, 1500)]).toEqual(books);
    const other = [...generateBooks(43, 1500)];
    expect(other.slice(CLASSICS.length).map((b) => b.title)).not.toEqual(books.slice(CLASSICS.length).map((b) => b.title));
    // ISBNs come from the position alone, so re-seeding with another seed updates rather than duplicates.
    expect(other.map((b) => b.isbn)).toEqual(books.map((b) => b.isbn));
  });

  it('keep their titles and prices whatever the catalog size', () => {
    const fewer = [...generateBooks(42, 300)];
    expect(fewer.map((b) => [b.isbn, b.title, b.price])).toEqual(books.slice(0, 300).map((b) => [b.isbn, b.title, b.price]));
  });

  it('start with real classics whose ISBNs are valid', () => {
    expect(CLASSICS.length).toBeGreaterThanOrEqual(20);
    expect(books.slice(0, CLASSICS.length)).toEqual(CLASSICS);
    for (const c of CLASSICS) expect(normalizeIsbn(c.isbn)).toBe(c.isbn);
    expect(books.map((b) => b.title)).toEqual(expect.arrayContaining(['Pride and Prejudice', 'Moby-Dick', 'Frankenstein', 'Dracula', 'The Odyssey']));
  });

  it('are valid, with unique ISBNs and plausible fields', () => {
    for (const b of books) expect(validateBookInput(b)).toEqual(b);
    expect(new Set(books.map((b) => b.isbn)).size).toBe(books.length);
    expect(bookIsbn(CLASSICS.length)).toBe(books[CLASSICS.length]!.isbn);
    const generated = books.slice(CLASSICS.length);
    expect(new Set(generated.map((b) => b.category)).size).toBeGreaterThanOrEqual(12);
    for (const b of generated) {
      expect(b.price).toBeGreaterThanOrEqual(499);
      expect(b.price).toBeLessThanOrEqual(5999);
      expect(b.rating).toBeGreaterThanOrEqual(1);
      expect(b.rating).toBeLessThanOrEqual(5);
      expect(Math.round(b.rating * 10)).toBeCloseTo(b.rating * 10, 9);
      expect(b.year).toBeGreaterThanOrEqual(1850);
      expect(b.year).toBeLessThanOrEqual(2026);
      expect(b.authors.length).toBeGreaterThanOrEqual(1);
      expect(b.authors.length).toBeLessThanOrEqual(3);
      expect(b.title).not.toMatch(/\{|\}|\bthe the\b|lorem/i);
      const sentences = b.description.split(/(?<=[.!?])\s+/).length;
      expect(sentences).toBeGreaterThanOrEqual(2);
      expect(sentences).toBeLessThanOrEqual(5);
      expect(b.currency).toBe('USD');
      expect(b.coverUrl).toBeNull();
    }
    expect(generated.filter((b) => b.price % 100 === 99).length).toBeGreaterThan(generated.length / 2);
    const meanRating = generated.reduce((s, b) => s + b.rating, 0) / generated.length;
    expect(meanRating).toBeGreaterThan(3.3);
  });
});

describe('the demo store as a visitor sees it', () => {
  const books = [...generateBooks(42, 2000)];

  it('never repeats a title', () => {
    const titles = books.map((b) => b.title);
    expect(titles.length - new Set(titles).size).toBe(0);
  });

  it('puts "an" before a vowel and starts every title with a capital', () => {
    for (const b of books) {
      expect(b.title).not.toMatch(/\bA [AEIOU]/);
      expect(b.title.charAt(0)).toBe(b.title.charAt(0).toUpperCase());
    }
  });

  it("rates books the way a real store's shelves are rated: 3.0 to 4.8, about 4 on average", () => {
    const generated = books.slice(CLASSICS.length).map((b) => b.rating);
    expect(Math.min(...generated)).toBeGreaterThanOrEqual(3);
    expect(Math.max(...generated)).toBeLessThanOrEqual(4.8);
    const mean = generated.reduce((s, r) => s + r, 0) / generated.length;
    expect(mean).toBeGreaterThan(3.8);
    expect(mean).toBeLessThan(4.3);
  });
});

describe('demo users and friendships', () => {
  it('have unique example.com addresses made of their names', () => {
    const users = generateUsers(7, 500);
    expect(generateUsers(7, 500)).toEqual(users);
    expect(new Set(users.map((u) => u.email)).size).toBe(500);
    users.forEach((u, i) => {
      expect(u.email).toMatch(new RegExp(`^[a-z]+\\.[a-z]+\\.${i + 1}@example\\.com$`));
      expect(u.email.startsWith(u.name.split(' ')[0]!.toLowerCase().normalize('NFD').replace(/[^a-z]/g, ''))).toBe(true);
    });
  });

  it('follow a power law: a few hubs, most people with a few friends', () => {
    const n = 2000;
    const edges = generateFriendships(7, n);
    const keys = edges.map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`);
    expect(new Set(keys).size).toBe(edges.length);
    expect(edges.every(([a, b]) => a !== b && a < n && b < n)).toBe(true);
    const degree = new Array<number>(n).fill(0);
    for (const [a, b] of edges) {
      degree[a]!++;
      degree[b]!++;
    }
    const sorted = [...degree].sort((x, y) => y - x);
    expect(sorted.at(-1)).toBeGreaterThanOrEqual(1);
    expect(sorted[Math.floor(n / 2)]).toBeLessThanOrEqual(3);
    expect(sorted[0]).toBeGreaterThan(40);
  });
});

describe('demo sales', () => {
  const now = Date.UTC(2025, 5, 15, 12);
  const plan = planSales(42, { books: 500, users: 200, orders: 2000, now });

  it('spread orders over the last 30 days, oldest first, never in the future', () => {
    const times = plan.orders.map((o) => o.at);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(Math.min(...times)).toBeGreaterThanOrEqual(now - ORDER_SPREAD_DAYS * DAY_MS);
    expect(Math.max(...times)).toBeLessThan(now);
    const lastDay = times.filter((t) => t >= now - DAY_MS).length;
    const lastWeek = times.filter((t) => t >= now - 7 * DAY_MS).length;
    expect(lastDay).toBeGreaterThan(0);
    expect(lastWeek).toBeGreaterThan(lastDay);
    expect(plan.orders.length).toBeGreaterThan(lastWeek);
  });

  it('have one to four distinct books per order and unique idempotency keys', () => {
    for (const o of plan.orders) {
      expect(o.lines.length).toBeGreaterThanOrEqual(1);
      expect(o.lines.length).toBeLessThanOrEqual(4);
      expect(new Set(o.lines.map((l) => l.book)).size).toBe(o.lines.length);
      expect(o.lines.every((l) => l.quantity >= 1 && l.book < 500)).toBe(true);
    }
    expect(new Set(plan.orders.map((o) => o.idempotencyKey)).size).toBe(plan.orders.length);
  });

  it('concentrate on a few bestsellers and a few heavy buyers', () => {
    const units = new Map<number, number>();
    const perUser = new Map<number | string, number>();
    for (const o of plan.orders) {
      perUser.set(o.user, (perUser.get(o.user) ?? 0) + 1);
      for (const l of o.lines) units.set(l.book, (units.get(l.book) ?? 0) + l.quantity);
    }
    const ranked = [...units.values()].sort((a, b) => b - a);
    const total = ranked.reduce((s, u) => s + u, 0);
    expect(ranked.slice(0, 10).reduce((s, u) => s + u, 0)).toBeGreaterThan(total / 5);
    const counts = [...perUser.values()].sort((a, b) => b - a);
    expect(counts[0]).toBeGreaterThan(5 * counts[Math.floor(counts.length / 2)]!);
  });

  it('give the demo customer friends who bought books and orders of their own', () => {
    expect(plan.demoFriends.length).toBe(6);
    const buyers = new Set(plan.orders.map((o) => o.user));
    for (const f of plan.demoFriends) expect(buyers.has(f)).toBe(true);
    expect(plan.orders.filter((o) => o.user === 'demo')).toHaveLength(2);
    expect(plan.demoPendingFrom).not.toBeNull();
    expect(plan.demoFriends).not.toContain(plan.demoPendingFrom);
    expect(planSales(42, { books: 500, users: 200, orders: 2000, now })).toEqual(plan);
  });

  it('plan nothing without books or users', () => {
    expect(planSales(1, { books: 0, users: 10, orders: 5, now }).orders).toEqual([]);
  });
});

describe('Prng and ZipfSampler', () => {
  it('repeat for a seed and stream, and differ across streams', () => {
    const draw = (seed: number, stream: string) => {
      const p = new Prng(seed, stream);
      return Array.from({ length: 5 }, () => p.next());
    };
    expect(draw(1, 'a')).toEqual(draw(1, 'a'));
    expect(draw(1, 'a')).not.toEqual(draw(1, 'b'));
    expect(draw(1, 'a')).not.toEqual(draw(2, 'a'));
  });

  it('draw low ranks most often', () => {
    const p = new Prng(3, 'zipf');
    const z = new ZipfSampler(100, 1);
    const hits = new Array<number>(100).fill(0);
    for (let i = 0; i < 20_000; i++) hits[z.sample(p)]!++;
    expect(hits[0]).toBeGreaterThan(hits[9]! * 5);
    expect(hits.every((h) => h >= 0)).toBe(true);
    expect(hits.reduce((s, h) => s + h, 0)).toBe(20_000);
  });
});
