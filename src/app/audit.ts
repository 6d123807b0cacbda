import { isAnonymisedOrder } from '../domain/account-deletion.js';
import { hourBucket, WINDOW_HOURS, type BestsellerWindow } from '../domain/bestsellers.js';
import type { Book } from '../domain/book.js';
import { ConflictError } from '../domain/errors.js';
import type { Friendship } from '../domain/friendship.js';
import type { Order } from '../domain/order.js';
import type { BestsellerBoard } from '../ports/bestseller-board.js';
import type { Snapshots } from '../ports/change-feed.js';
import type { ProjectionControl } from '../ports/projection-control.js';
import type { SearchIndex } from '../ports/search-index.js';
import type { GraphChange, SocialGraph } from '../ports/social-graph.js';
import { bestsellerSale } from '../projections/bestsellers-projection.js';
import { toSearchDocument } from '../projections/search-projection.js';

/** The derived stores an audit compares with the system of record (the book cache is checked on every read). */
export const AUDITED_STORES = ['search', 'bestsellers', 'graph'] as const;
export type AuditedStore = (typeof AUDITED_STORES)[number];

/** One thing a derived store holds differently from what the record says it should. */
export interface Difference {
  /** What differs, e.g. `book 0193…`, `7d category:fiction 0193…`, `purchase u1 → b2`. */
  key: string;
  /** What the record says (null: it should not be there). */
  expected: number | string | null;
  /** What the store holds (null: it is missing). */
  actual: number | string | null;
}

export interface StoreAudit {
  store: AuditedStore;
  /** Entries compared (books, counts, vertices and edges). */
  checked: number;
  /** How many differences were found (after a second look, see `auditUseCases`). */
  drift: number;
  /** The first differences, at most MAX_LISTED. */
  differences: Difference[];
  /** Differences repaired (0 unless repairing); drift left after the repair is `remaining`. */
  repaired: number;
  /** Differences a second comparison still found after the repair. */
  remaining: number;
}

export interface AuditReport {
  startedAt: string;
  finishedAt: string;
  repair: boolean;
  stores: StoreAudit[];
  /** Differences found in every store, and those still there at the end (after a repair, if asked). */
  drift: number;
  remaining: number;
}

/** Differences listed per store; the count is always complete. */
export const MAX_LISTED = 50;
/** How long a second look waits for a projection to apply what was committed during the first. */
const SETTLE_MS = 10_000;
/** The least time a second look waits after the first, ms (see `settle`). */
const SETTLE_FLOOR_MS = 2_000;
/** Between the looks after the second, while differences remain and the settling time lasts. */
const LOOK_AGAIN_MS = 500;

/** What the audit reads of the system of record, once per comparison. */
interface RecordView {
  books: Book[];
  orders: Order[];
  users: string[];
  friendships: Friendship[];
}

interface Comparison {
  checked: number;
  differences: Difference[];
  /** Makes the store hold what the record says, for exactly the differences found. */
  repair(differences: readonly Difference[]): Promise<void>;
}

export interface AuditDeps {
  snapshots: Snapshots;
  projections: ProjectionControl;
  searchIndex: SearchIndex;
  bestsellers: BestsellerBoard;
  graph: SocialGraph;
  now(): Date;
}

export interface AuditOptions {
  stores?: readonly AuditedStore[];
  repair?: boolean;
  /** How long to wait for the projections to settle before a second look, ms (tests shorten it). */
  settleMs?: number;
}

/**
 * The drift audit: compares each derived store with the system of record and, when asked, repairs
 * exactly what differs (no rebuild). Writes go on while it reads, so a difference seen once may be an
 * event not yet applied: a store that differs is compared again once its projection has caught up,
 * and only what differs both times counts as drift. The last report is kept in this process.
 */
export function auditUseCases(deps: AuditDeps) {
  let last: AuditReport | null = null;
  let running = false;

  async function readRecord(): Promise<RecordView> {
    const snapshot = await deps.snapshots.open();
    try {
      const record: RecordView = { books: [], orders: [], users: [], friendships: [] };
      for await (const book of snapshot.books()) record.books.push(book);
      for await (const order of snapshot.orders()) record.orders.push(order);
      for await (const user of snapshot.users()) record.users.push(user.id);
      for await (const friendship of snapshot.friendships()) record.friendships.push(friendship);
      return record;
    } finally {
      await snapshot.close();
    }
  }

  function compare(store: AuditedStore, record: RecordView): Promise<Comparison> {
    switch (store) {
      case 'search':
        return compareSearch(deps.searchIndex, record);
      case 'bestsellers':
        return compareBestsellers(deps.bestsellers, record, deps.now().getTime());
      case 'graph':
        return compareGraph(deps.graph, record);
    }
  }

  /**
   * Waits (bounded) until the store's projection reports no lag, so a second look sees settled state;
   * and never less than a floor: a change feed shows a write to its readers a moment after the write
   * (a DynamoDB stream within about a second), so "no lag" just after a write can mean "not seen yet",
   * and the soak found a friendship made in the last second of traffic reported as drift.
   */
  async function settle(store: AuditedStore, ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    await new Promise((resolve) => setTimeout(resolve, Math.min(ms, SETTLE_FLOOR_MS)));
    while (Date.now() < deadline) {
      const status = (await deps.projections.status()).find((s) => s.name === store);
      if (!status || (status.lagEvents === 0 && !status.rebuilding)) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  return {
    /** The last audit this process ran; null before the first. */
    lastAudit(): AuditReport | null {
      return last;
    },

    async audit(options: AuditOptions = {}): Promise<AuditReport> {
      if (running) throw new ConflictError('audit-in-progress', 'an audit is already running in this process');
      running = true;
      try {
        const startedAt = deps.now().toISOString();
        const stores = options.stores ?? AUDITED_STORES;
        const settleMs = options.settleMs ?? SETTLE_MS;
        const repair = options.repair ?? false;
        let record = await readRecord();
        const results: StoreAudit[] = [];
        for (const store of stores) {
          let found = await compare(store, record);
          if (found.differences.length > 0) {
            // Looked at again until what differed is gone or the settling time is over: "no lag" only
            // says the last pass of the projection ended at the end of the feed it could see, and a
            // write in flight (a pass that waits for OpenSearch's refresh, a stream record not shown
            // yet) can still be on its way. Only what still differs at the end counts as drift.
            const deadline = Date.now() + settleMs;
            await settle(store, settleMs);
            const first = new Set(found.differences.map((d) => d.key));
            for (;;) {
              record = await readRecord();
              found = await compare(store, record);
              found = { ...found, differences: found.differences.filter((d) => first.has(d.key)) };
              if (found.differences.length === 0 || Date.now() >= deadline) break;
              await new Promise((resolve) => setTimeout(resolve, LOOK_AGAIN_MS));
            }
          }
          let repaired = 0;
          let remaining = found.differences.length;
          if (repair && found.differences.length > 0) {
            await found.repair(found.differences);
            const after = await compare(store, record);
            remaining = after.differences.length;
            repaired = Math.max(0, found.differences.length - remaining);
          }
          results.push({
            store,
            checked: found.checked,
            drift: found.differences.length,
            differences: found.differences.slice(0, MAX_LISTED),
            repaired,
            remaining,
          });
        }
        last = {
          startedAt,
          finishedAt: deps.now().toISOString(),
          repair,
          stores: results,
          drift: results.reduce((n, s) => n + s.drift, 0),
          remaining: results.reduce((n, s) => n + s.remaining, 0),
        };
        return last;
      } finally {
        running = false;
      }
    },
  };
}

/** Every catalog book at its current version, and nothing else (tombstones are not documents). */
async function compareSearch(index: SearchIndex, record: RecordView): Promise<Comparison> {
  const books = new Map(record.books.map((b) => [b.id, b]));
  const held = await index.versions();
  const differences: Difference[] = [];
  for (const [id, book] of books) {
    const version = held.get(id);
    if (version !== book.version) differences.push({ key: `book ${id}`, expected: book.version, actual: version ?? null });
  }
  for (const [id, version] of held) if (!books.has(id)) differences.push({ key: `book ${id}`, expected: null, actual: version });
  return {
    checked: new Set([...books.keys(), ...held.keys()]).size,
    differences,
    async repair(found) {
      const ids = found.map((d) => d.key.slice('book '.length));
      const docs = ids.flatMap((id) => {
        const book = books.get(id);
        return book ? [toSearchDocument(book)] : [];
      });
      // A document the catalog no longer has goes at the version the index holds, which removal replaces.
      const ghosts = ids.flatMap((id) => (books.has(id) ? [] : [{ id, version: held.get(id) ?? 0 }]));
      await index.overwrite(docs);
      await index.remove(ghosts);
    },
  };
}

const WINDOWS: readonly BestsellerWindow[] = ['all', '7d', '1d'];

/** Units per book, window and scope (overall and each category a line was sold in) equal the order lines'. */
async function compareBestsellers(board: BestsellerBoard, record: RecordView, now: number): Promise<Comparison> {
  const sales = record.orders.flatMap((o) => bestsellerSale(o) ?? []);
  const last = hourBucket(now);
  const expected = new Map<string, number>();
  const categories = new Set<string>(record.books.map((b) => b.category));
  const add = (key: string, units: number) => expected.set(key, (expected.get(key) ?? 0) + units);
  for (const sale of sales) {
    const hour = hourBucket(sale.at);
    const windows = WINDOWS.filter((w) => w === 'all' || (hour <= last && hour > last - WINDOW_HOURS[w]));
    for (const line of sale.lines) {
      categories.add(line.category);
      for (const window of windows) {
        add(countKey(window, undefined, line.bookId), line.quantity);
        add(countKey(window, line.category, line.bookId), line.quantity);
      }
    }
  }
  const actual = new Map<string, number>();
  for (const window of WINDOWS) {
    for (const category of [undefined, ...categories]) {
      for (const entry of await board.tally({ window, category, now })) actual.set(countKey(window, category, entry.bookId), entry.units);
    }
  }
  const differences: Difference[] = [];
  for (const [key, units] of expected) if (actual.get(key) !== units) differences.push({ key, expected: units, actual: actual.get(key) ?? null });
  for (const [key, units] of actual) if (!expected.has(key)) differences.push({ key, expected: null, actual: units });
  return {
    checked: new Set([...expected.keys(), ...actual.keys()]).size,
    differences,
    async repair(found) {
      for (const bookId of new Set(found.map((d) => d.key.slice(d.key.lastIndexOf(' ') + 1)))) {
        await board.recount(
          bookId,
          sales.filter((s) => s.lines.some((l) => l.bookId === bookId)),
        );
      }
    },
  };
}

/** `<window> <scope> <bookId>`; the book id is last, so a repair finds it after the last space. */
function countKey(window: BestsellerWindow, category: string | undefined, bookId: string): string {
  return `${window} ${category === undefined ? 'overall' : `category:${category}`} ${bookId}`;
}

/**
 * Every user, accepted friendship (an edge each way) and purchase of the record, and no user,
 * friendship or purchase it does not have: a user vertex the record lacks is a deleted account the
 * graph still holds (repaired by forgetting it, edges and all). Orders kept after their customer
 * deleted the account are nobody's purchases.
 */
async function compareGraph(graph: SocialGraph, record: RecordView): Promise<Comparison> {
  const held = await graph.contents();
  const differences: Difference[] = [];
  const heldUsers = new Set(held.users);
  for (const user of record.users) if (!heldUsers.has(user)) differences.push({ key: `user ${user}`, expected: 'present', actual: null });
  const recordUsers = new Set(record.users);
  for (const user of heldUsers) if (!recordUsers.has(user)) differences.push({ key: `user ${user}`, expected: null, actual: 'present' });

  const friendKey = (from: string, to: string) => `friendOf ${from} ${to}`;
  const friends = new Set(record.friendships.filter((f) => f.status === 'accepted').flatMap((f) => [friendKey(f.userA, f.userB), friendKey(f.userB, f.userA)]));
  const heldFriends = new Set(held.friendships.map((e) => friendKey(e.from, e.to)));
  for (const key of friends) if (!heldFriends.has(key)) differences.push({ key, expected: 'present', actual: null });
  for (const key of heldFriends) if (!friends.has(key)) differences.push({ key, expected: null, actual: 'present' });

  const purchaseKey = (userId: string, bookId: string) => `purchased ${userId} ${bookId}`;
  const purchases = new Set(record.orders.filter((o) => !isAnonymisedOrder(o)).flatMap((o) => o.lines.map((l) => purchaseKey(o.userId, l.bookId))));
  const heldPurchases = new Set(held.purchases.map((p) => purchaseKey(p.userId, p.bookId)));
  for (const key of purchases) if (!heldPurchases.has(key)) differences.push({ key, expected: 'present', actual: null });
  for (const key of heldPurchases) if (!purchases.has(key)) differences.push({ key, expected: null, actual: 'present' });

  return {
    checked: new Set([...record.users, ...heldUsers]).size + new Set([...friends, ...heldFriends]).size + new Set([...purchases, ...heldPurchases]).size,
    differences,
    async repair(found) {
      const changes: GraphChange[] = found.map((d): GraphChange => {
        const [kind, a, b] = d.key.split(' ') as [string, string, string];
        const present = d.expected !== null;
        if (kind === 'user') return present ? { kind: 'user', userId: a } : { kind: 'forget-user', userId: a };
        if (kind === 'friendOf') return { kind: 'friendship', userA: a, userB: b, friends: present };
        return { kind: 'purchase', userId: a, bookIds: [b], bought: present };
      });
      await graph.apply(changes);
    },
  };
}
