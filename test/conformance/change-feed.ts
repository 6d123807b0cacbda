import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Book } from '../../src/domain/book.js';
import type { Change, ChangeEvent } from '../../src/domain/change-event.js';
import { requestFriendship } from '../../src/domain/friendship.js';
import type { ChangeFeed, Snapshot, Snapshots } from '../../src/ports/change-feed.js';
import { bookInput, cartLine, orderFor, type MakeSystemOfRecord, type SystemOfRecordPorts } from './system-of-record.js';

async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** Every event after `after`, read in small pages to exercise paging. */
async function eventsAfter(feed: ChangeFeed, after: number): Promise<ChangeEvent[]> {
  const events: ChangeEvent[] = [];
  for (let position = after; ; ) {
    const page = await feed.read(position, 3);
    if (page.length === 0) return events;
    events.push(...page);
    position = page.at(-1)!.seq;
  }
}

const summary = (e: Change) => ({ entity: e.entity, key: e.key, op: e.op, newImage: e.newImage, oldImage: e.oldImage });

const ALICE = '01aaaaaaaaaaaaaaaaaaaaaaaa';
const BOB = '01bbbbbbbbbbbbbbbbbbbbbbbb';
const NOW = '2025-03-01T12:00:00.000Z';

/**
 * How a suite sees the changes a system of record commits, whatever carries them: the embedded outbox
 * read by position, or a DynamoDB stream read by a poller.
 */
export interface ChangeCapture {
  /** Every change committed since the previous call (the first call: since the store was made), in commit order. */
  take(): Promise<Change[]>;
}

export interface CapturedSystemOfRecord extends Omit<SystemOfRecordPorts, 'changeFeed'> {
  changes: ChangeCapture;
}

export interface ChangeCaptureTraits {
  /**
   * Whether a snapshot is one point in time (SQLite: a read transaction). A DynamoDB Scan is not: it
   * sees each item as it reads it, so writes made during the scan may or may not be in it.
   */
  pointInTimeSnapshots: boolean;
}

/** The changes `act` committed. */
async function changesOf(capture: ChangeCapture, act: () => Promise<unknown>): Promise<Change[]> {
  await capture.take();
  await act();
  return capture.take();
}

/** A change's commit time is approximate: DynamoDB Streams give seconds, DynamoDB Local rounds to the minute. */
const CLOCK_SLACK_MS = 60_000;

/**
 * What every change feed promises, the embedded outbox and DynamoDB Streams alike: which changes each
 * write produces (with old and new images, never a credential), in commit order, and snapshots that
 * hold everything committed before they were opened.
 */
export function changeCaptureConformance(make: () => Promise<CapturedSystemOfRecord>, traits: ChangeCaptureTraits): void {
  describe('change capture and snapshots conformance', () => {
    let sor: CapturedSystemOfRecord;
    let capture: ChangeCapture;
    beforeEach(async () => {
      sor = await make();
      capture = sor.changes;
    });
    afterEach(async () => {
      await sor.close();
    });

    it('records each book write, in commit order, with old and new images', async () => {
      const t0 = Date.now();
      const events = await changesOf(capture, async () => {
        const created = await sor.catalog.create(bookInput(1));
        await sor.catalog.update(created.id, { price: 1 });
        await sor.catalog.update(created.id, { price: 1 }); // changes nothing: no event
        await sor.catalog.delete(created.id);
      });
      const t1 = Date.now();
      const [insert, modify] = events;
      const created = insert!.newImage as Book;
      const updated = modify!.newImage as Book;
      expect(created).toMatchObject({ ...bookInput(1), version: 1 });
      expect(updated).toMatchObject({ ...bookInput(1), price: 1, version: 2 });
      expect(events.map(summary)).toEqual([
        { entity: 'book', key: created.id, op: 'insert', newImage: created, oldImage: null },
        { entity: 'book', key: created.id, op: 'modify', newImage: updated, oldImage: created },
        { entity: 'book', key: created.id, op: 'remove', newImage: null, oldImage: updated },
      ]);
      for (const e of events) {
        expect(e.at).toBeGreaterThanOrEqual(t0 - CLOCK_SLACK_MS);
        expect(e.at).toBeLessThanOrEqual(t1);
      }
    });

    it('records bulk imports once: a second identical import writes no event', async () => {
      const inputs = Array.from({ length: 12 }, (_, i) => bookInput(i));
      const first = await changesOf(capture, () => sor.catalog.upsertByIsbn(inputs));
      expect(first.map((e) => e.op)).toEqual(Array(12).fill('insert'));
      expect(first.map((e) => (e.newImage as Book).isbn).sort()).toEqual(inputs.map((i) => i.isbn).sort());
      expect(await changesOf(capture, () => sor.catalog.upsertByIsbn(inputs))).toEqual([]);
      const changed = await changesOf(capture, () => sor.catalog.upsertByIsbn([{ ...inputs[3]!, title: 'Renamed' }]));
      expect(changed.map(summary)).toEqual([
        expect.objectContaining({ op: 'modify', oldImage: expect.objectContaining({ title: 'Book 3', version: 1 }), newImage: expect.objectContaining({ title: 'Renamed', version: 2 }) }),
      ]);
    });

    it('records user writes without any credential', async () => {
      const hash = 'scrypt$c2VjcmV0LWhhc2g';
      let user = await sor.users.create({ email: 'a@example.com', name: 'A', role: 'customer', passwordHash: hash });
      const admin = await sor.users.setRole(user.id, 'admin');
      await sor.users.setPasswordHash(user.id, `${hash}-2`);
      const events = await capture.take();
      expect(events.map(summary)).toEqual([
        { entity: 'user', key: user.id, op: 'insert', newImage: user, oldImage: null },
        { entity: 'user', key: user.id, op: 'modify', newImage: admin, oldImage: user },
      ]);
      const text = JSON.stringify(events);
      expect(text).not.toContain(hash);
      expect(text.toLowerCase()).not.toContain('password');
      user = (await sor.users.get(user.id))!;
      expect(Object.keys(user).sort()).toEqual(['createdAt', 'email', 'id', 'name', 'role', 'version']);
    });

    it('records cart writes: filling inserts, changing modifies, emptying removes', async () => {
      const events = await changesOf(capture, async () => {
        const v1 = await sor.carts.save(ALICE, [cartLine('book-1')], 0);
        const v2 = await sor.carts.save(ALICE, [cartLine('book-1', 2)], v1.version);
        const emptied = await sor.carts.save(ALICE, [], v2.version);
        await sor.carts.save(ALICE, [cartLine('book-2')], emptied.version);
      });
      const [insert, modify, remove, again] = events;
      expect(events.map((e) => [e.entity, e.key, e.op])).toEqual([
        ['cart', ALICE, 'insert'],
        ['cart', ALICE, 'modify'],
        ['cart', ALICE, 'remove'],
        ['cart', ALICE, 'insert'],
      ]);
      expect(insert).toMatchObject({ oldImage: null, newImage: { userId: ALICE, lines: [cartLine('book-1')], version: 1 } });
      expect(modify).toMatchObject({ oldImage: insert!.newImage, newImage: { lines: [cartLine('book-1', 2)], version: 2 } });
      expect(remove).toMatchObject({ oldImage: modify!.newImage, newImage: null });
      expect(again).toMatchObject({ oldImage: null, newImage: { lines: [cartLine('book-2')] } });
    });

    it('records line changes the same way, and nothing for one that changes nothing', async () => {
      const at = '2025-01-01T00:00:00.000Z';
      const events = await changesOf(capture, async () => {
        await sor.carts.setLine(ALICE, 'book-1', 1, at);
        await sor.carts.setLine(ALICE, 'book-1', 1, at);
        await sor.carts.setLine(ALICE, 'book-1', 3, at);
        await sor.carts.removeLine(ALICE, 'book-2', at);
        await sor.carts.removeLine(ALICE, 'book-1', at);
      });
      expect(events.map((e) => [e.entity, e.key, e.op])).toEqual([
        ['cart', ALICE, 'insert'],
        ['cart', ALICE, 'modify'],
        ['cart', ALICE, 'remove'],
      ]);
      expect(events[0]).toMatchObject({ oldImage: null, newImage: { lines: [cartLine('book-1', 1)], version: 1 } });
      expect(events[1]).toMatchObject({ oldImage: events[0]!.newImage, newImage: { lines: [cartLine('book-1', 3)], version: 2 } });
      expect(events[2]).toMatchObject({ oldImage: events[1]!.newImage, newImage: null });
    });

    it('records a placed order together with the emptied cart, and nothing for a replay or a refused checkout', async () => {
      const cart = await sor.carts.save(ALICE, [cartLine('book-1', 2)], 0);
      const order = orderFor(ALICE, 'key-00000001');
      const placed = await changesOf(capture, () => sor.orders.place(order, cart.version));
      expect(placed).toHaveLength(2);
      expect(placed.map(summary)).toEqual(
        expect.arrayContaining([
          { entity: 'order', key: order.id, op: 'insert', newImage: order, oldImage: null },
          { entity: 'cart', key: ALICE, op: 'remove', newImage: null, oldImage: cart },
        ]),
      );
      expect(await changesOf(capture, () => sor.orders.place(orderFor(ALICE, 'key-00000001'), 0))).toEqual([]);
      const refused = await changesOf(capture, () => sor.orders.place(orderFor(ALICE, 'key-00000002'), 99).catch(() => undefined));
      expect(refused).toEqual([]);
    });

    it('records friendship writes keyed by the pair', async () => {
      const pending = requestFriendship(null, BOB, ALICE, NOW)!;
      const accepted = requestFriendship(pending, ALICE, BOB, NOW)!;
      const key = `${ALICE}#${BOB}`;
      const events = await changesOf(capture, async () => {
        await sor.friendships.save(pending, 0);
        await sor.friendships.save(accepted, 1);
        await sor.friendships.remove(BOB, ALICE);
        await sor.friendships.remove(BOB, ALICE);
      });
      expect(events.map(summary)).toEqual([
        { entity: 'friendship', key, op: 'insert', newImage: pending, oldImage: null },
        { entity: 'friendship', key, op: 'modify', newImage: accepted, oldImage: pending },
        { entity: 'friendship', key, op: 'remove', newImage: null, oldImage: accepted },
      ]);
    });

    it('delivers every change once when read in small steps', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 10; i++) {
        ids.push((await sor.catalog.create(bookInput(i))).id);
        if (i % 3 === 2) expect((await capture.take()).map((e) => e.key)).toEqual(ids.slice(i - 2, i + 1));
      }
      expect((await capture.take()).map((e) => e.key)).toEqual(ids.slice(9));
      expect(await capture.take()).toEqual([]);
    });

    snapshotCases(() => sor, traits);
  });
}

function snapshotCases(current: () => { catalog: SystemOfRecordPorts['catalog']; users: SystemOfRecordPorts['users']; orders: SystemOfRecordPorts['orders']; friendships: SystemOfRecordPorts['friendships']; snapshots: Snapshots }, traits: ChangeCaptureTraits): void {
  describe('snapshots', () => {
    let snapshot: Snapshot | undefined;
    afterEach(async () => {
      await snapshot?.close();
      snapshot = undefined;
    });

    it(`hold everything committed before they open${traits.pointInTimeSnapshots ? ', and nothing written after' : ''}`, async () => {
      const sor = current();
      await sor.catalog.upsertByIsbn(Array.from({ length: 1200 }, (_, i) => bookInput(i)));
      const keep = (await sor.catalog.findByIsbn(bookInput(0).isbn))!;
      const doomed = (await sor.catalog.findByIsbn(bookInput(1).isbn))!;
      const alice = await sor.users.create({ email: 'alice@example.com', name: 'Alice', role: 'customer', passwordHash: 'scrypt$secret' });
      const bob = await sor.users.create({ email: 'bob@example.com', name: 'Bob', role: 'customer' });
      const order = orderFor(alice.id, 'key-00000001');
      await sor.orders.place(order, 0);
      const pending = requestFriendship(null, alice.id, bob.id, NOW)!;
      await sor.friendships.save(pending, 0);
      const booksBefore = await sor.catalog.getMany((await all(listBooks(sor.catalog))).map((b) => b.id));

      snapshot = await sor.snapshots.open();

      const changedTitle = 'Changed after the snapshot';
      await sor.catalog.update(keep.id, { title: changedTitle });
      await sor.catalog.delete(doomed.id);
      await sor.catalog.create(bookInput(5000));
      await sor.users.setRole(alice.id, 'admin');
      await sor.users.create({ email: 'carl@example.com', name: 'Carl', role: 'customer' });
      await sor.orders.place(orderFor(bob.id, 'key-00000002'), 0);
      await sor.friendships.save(requestFriendship(pending, bob.id, alice.id, NOW)!, 1);

      const books = await all(snapshot.books());
      expect(new Set(books.map((b) => b.id)).size).toBe(books.length);
      const users = await all(snapshot.users());
      expect(JSON.stringify(users)).not.toContain('scrypt');
      const orders = await all(snapshot.orders());
      const friendships = await all(snapshot.friendships());
      if (traits.pointInTimeSnapshots) {
        expect(books).toHaveLength(1200);
        expect(books.find((b) => b.id === keep.id)).toEqual(keep);
        expect(books.find((b) => b.id === doomed.id)).toEqual(doomed);
        for (const b of books) expect(b).toEqual(booksBefore.get(b.id));
        expect([...users].sort((a, b) => a.email.localeCompare(b.email))).toEqual([alice, bob]);
        expect(orders).toEqual([order]);
        expect(friendships).toEqual([pending]);
      } else {
        // Read after the writes: each record is as it was at open or as it is now, never anything else.
        const untouched = books.filter((b) => b.id !== keep.id && b.id !== doomed.id && b.isbn !== bookInput(5000).isbn);
        expect(untouched).toHaveLength(1198);
        for (const b of untouched) expect(b).toEqual(booksBefore.get(b.id));
        expect([keep.title, changedTitle]).toContain(books.find((b) => b.id === keep.id)?.title);
        expect(users.map((u) => u.email)).toEqual(expect.arrayContaining(['alice@example.com', 'bob@example.com']));
        expect(orders).toContainEqual(order);
        expect(friendships).toHaveLength(1);
      }

      await snapshot.close();
      snapshot = await sor.snapshots.open();
      const booksAfter = await all(snapshot.books());
      expect(booksAfter).toHaveLength(1200);
      expect(booksAfter.find((b) => b.id === keep.id)?.title).toBe(changedTitle);
      expect((await all(snapshot.users())).find((u) => u.id === alice.id)?.role).toBe('admin');
      expect(await all(snapshot.orders())).toHaveLength(2);
      expect((await all(snapshot.friendships()))[0]?.status).toBe('accepted');
      // 1,200 books written one request each take a while on an engine on a busy machine.
    }, 180_000);

    it('lets iterators of one snapshot run interleaved', async () => {
      const sor = current();
      for (let i = 0; i < 3; i++) await sor.catalog.create(bookInput(i));
      await sor.users.create({ email: 'a@example.com', name: 'A', role: 'customer' });
      snapshot = await sor.snapshots.open();
      const books = snapshot.books()[Symbol.asyncIterator]();
      const users = snapshot.users()[Symbol.asyncIterator]();
      expect((await books.next()).done).toBe(false);
      expect((await users.next()).done).toBe(false);
      expect((await books.next()).done).toBe(false);
      expect((await users.next()).done).toBe(true);
      expect((await books.next()).done).toBe(false);
      expect((await books.next()).done).toBe(true);
    });

    it('counts what each iterator yields, for rebuild progress', async () => {
      const sor = current();
      for (let i = 0; i < 3; i++) await sor.catalog.create(bookInput(i));
      const ann = await sor.users.create({ email: 'ann@example.com', name: 'Ann', role: 'customer' });
      await sor.orders.place(orderFor(ann.id, 'key-00000003'), 0);
      snapshot = await sor.snapshots.open();
      expect(await snapshot.count('books')).toBe((await all(snapshot.books())).length);
      expect(await snapshot.count('books')).toBe(3);
      expect(await snapshot.count('users')).toBe(1);
      expect(await snapshot.count('orders')).toBe(1);
      expect(await snapshot.count('friendships')).toBe(0);
    });

    it('read an empty store', async () => {
      snapshot = await current().snapshots.open();
      expect(snapshot.position).toBe(0);
      expect(await all(snapshot.books())).toEqual([]);
      expect(await all(snapshot.users())).toEqual([]);
      expect(await all(snapshot.orders())).toEqual([]);
      expect(await all(snapshot.friendships())).toEqual([]);
      expect(await snapshot.count('books')).toBe(0);
    });
  });
}

/** Every book, through the public listing. */
async function* listBooks(catalog: SystemOfRecordPorts['catalog']): AsyncIterable<Book> {
  let cursor: string | undefined;
  do {
    const page = await catalog.list({ limit: 500, cursor });
    yield* page.items;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}

/**
 * What a numbered log adds (the embedded outbox): positions that only grow, reading from any position,
 * commit listeners, pruning, and snapshots that name the position they reflect. DynamoDB Streams has
 * none of these as such: its positions are per-shard sequence numbers and it trims itself after 24 h.
 */
export function changeFeedLogConformance(make: MakeSystemOfRecord): void {
  describe('ChangeFeed (numbered log) conformance', () => {
    let sor: SystemOfRecordPorts;
    let feed: ChangeFeed;
    beforeEach(async () => {
      sor = await make();
      feed = sor.changeFeed;
    });
    afterEach(async () => {
      await sor.close();
    });

    it('starts empty at position 0', async () => {
      expect((await feed.head()).seq).toBe(0);
      expect(await feed.read(0, 10)).toEqual([]);
    });

    it('numbers events in commit order with millisecond commit times, and the head is the newest', async () => {
      const t0 = Date.now();
      const created = await sor.catalog.create(bookInput(1));
      await sor.catalog.update(created.id, { price: 1 });
      await sor.catalog.delete(created.id);
      const t1 = Date.now();
      const events = await eventsAfter(feed, 0);
      expect(events).toHaveLength(3);
      for (const [i, e] of events.entries()) {
        if (i > 0) expect(e.seq).toBeGreaterThan(events[i - 1]!.seq);
        expect(e.at).toBeGreaterThanOrEqual(t0);
        expect(e.at).toBeLessThanOrEqual(t1);
      }
      expect(await feed.head()).toEqual({ seq: events.at(-1)!.seq, at: events.at(-1)!.at });
    });

    it('reads every event exactly once, oldest first, from any position', async () => {
      for (let i = 0; i < 10; i++) await sor.catalog.create(bookInput(i));
      const everything = await feed.read(0, 100);
      expect(everything).toHaveLength(10);
      expect(await eventsAfter(feed, 0)).toEqual(everything);
      const middle = everything[4]!.seq;
      expect(await feed.read(middle, 2)).toEqual(everything.slice(5, 7));
      expect(await feed.read(everything.at(-1)!.seq, 10)).toEqual([]);
    });

    it('tells commit listeners after a write, until they unsubscribe', async () => {
      let calls = 0;
      const unsubscribe = feed.onCommit(() => {
        calls++;
      });
      const book = await sor.catalog.create(bookInput(1));
      expect(calls).toBeGreaterThanOrEqual(1);
      const afterCreate = calls;
      unsubscribe();
      await sor.catalog.update(book.id, { price: 3 });
      expect(calls).toBe(afterCreate);
    });

    it('prunes old events up to a position, never moving the head back', async () => {
      for (let i = 0; i < 4; i++) await sor.catalog.create(bookInput(i));
      const events = await feed.read(0, 10);
      const head = await feed.head();
      expect(await feed.prune(events[1]!.seq, events[0]!.at)).toBe(0); // none older than that
      expect(await feed.prune(events[1]!.seq, Date.now() + 60_000)).toBe(2);
      expect(await feed.read(0, 10)).toEqual(events.slice(2));
      expect(await feed.head()).toEqual(head);
      expect(await feed.prune(head.seq, Date.now() + 60_000)).toBe(2);
      expect(await feed.read(0, 10)).toEqual([]);
      expect(await feed.head()).toEqual(head);
      await sor.catalog.create(bookInput(9));
      const [next] = await feed.read(0, 10);
      expect(next!.seq).toBeGreaterThan(head.seq);
    });

    it('opens snapshots at the head: the position names the newest event they include', async () => {
      await sor.catalog.create(bookInput(1));
      const head = await feed.head();
      const snapshot = await sor.snapshots.open();
      try {
        expect(snapshot.position).toBe(head.seq);
        await sor.catalog.create(bookInput(2));
      } finally {
        await snapshot.close();
      }
      const later = await sor.snapshots.open();
      try {
        expect(later.position).toBe((await feed.head()).seq);
        expect(later.position).toBeGreaterThan(head.seq);
      } finally {
        await later.close();
      }
    });
  });
}

/** The embedded outbox seen through `ChangeCapture`: everything after the last position taken. */
export function outboxCapture(feed: ChangeFeed): ChangeCapture {
  let position: number | null = null;
  return {
    async take() {
      if (position === null) position = 0;
      const events: ChangeEvent[] = await eventsAfter(feed, position);
      if (events.length > 0) position = events.at(-1)!.seq;
      return events.map(({ seq: _seq, ...change }) => change as Change);
    },
  };
}
