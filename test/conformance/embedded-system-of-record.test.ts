import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqlite } from '../../src/adapters/embedded/sqlite-database.js';
import { SqliteCheckpointStore } from '../../src/adapters/embedded/sqlite-checkpoint-store.js';
import { openSqliteSystemOfRecord } from '../../src/adapters/embedded/sqlite-system-of-record.js';
import { cartsConformance } from './carts.js';
import { catalogConformance } from './catalog.js';
import { changeCaptureConformance, changeFeedLogConformance, outboxCapture } from './change-feed.js';
import { checkpointStoreConformance } from './checkpoint-store.js';
import { friendshipsConformance } from './friendships.js';
import { ordersConformance } from './orders.js';
import { bookInput, cartLine, orderFor, type SystemOfRecordPorts } from './system-of-record.js';
import { usersConformance } from './users.js';

function tempDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'bookstore-sor-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

async function makeSystemOfRecord(): Promise<SystemOfRecordPorts> {
  const temp = tempDir();
  const sor = openSqliteSystemOfRecord(join(temp.dir, 'store.db'));
  return {
    catalog: sor.catalog,
    users: sor.users,
    carts: sor.carts,
    orders: sor.orders,
    friendships: sor.friendships,
    changeFeed: sor.changeFeed,
    snapshots: sor.snapshots,
    async close() {
      await sor.close();
      temp.remove();
    },
  };
}

catalogConformance(makeSystemOfRecord);
usersConformance(makeSystemOfRecord);
cartsConformance(makeSystemOfRecord);
ordersConformance(makeSystemOfRecord);
friendshipsConformance(makeSystemOfRecord);
changeFeedLogConformance(makeSystemOfRecord);
changeCaptureConformance(
  async () => {
    const { changeFeed, ...ports } = await makeSystemOfRecord();
    return { ...ports, changes: outboxCapture(changeFeed) };
  },
  { pointInTimeSnapshots: true },
);
checkpointStoreConformance(async () => {
  const temp = tempDir();
  const db = openSqlite(join(temp.dir, 'derived.db'), { durability: 'normal' });
  return {
    checkpoints: new SqliteCheckpointStore(db),
    async close() {
      db.close();
      temp.remove();
    },
  };
});

describe('embedded system of record on a shared file', () => {
  it('keeps data and feed positions across reopening', async () => {
    const temp = tempDir();
    try {
      const file = join(temp.dir, 'store.db');
      const first = openSqliteSystemOfRecord(file);
      const book = await first.catalog.create(bookInput(1));
      const head = await first.changeFeed.head();
      await first.changeFeed.prune(head.seq, Date.now() + 60_000);
      await first.close();

      const second = openSqliteSystemOfRecord(file);
      expect(await second.catalog.get(book.id)).toEqual(book);
      expect(await second.changeFeed.head()).toEqual(head);
      await second.catalog.update(book.id, { price: 1 });
      expect((await second.changeFeed.read(0, 10))[0]?.seq).toBeGreaterThan(head.seq);
      await second.close();
    } finally {
      temp.remove();
    }
  });

  it('serializes checkouts from two connections (server and CLI) to one order per key', async () => {
    const temp = tempDir();
    try {
      const file = join(temp.dir, 'store.db');
      const server = openSqliteSystemOfRecord(file);
      const cli = openSqliteSystemOfRecord(file);
      const user = '01aaaaaaaaaaaaaaaaaaaaaaaa';
      const cart = await server.carts.save(user, [cartLine('book-1')], 0);
      const [a, b] = await Promise.all([
        server.orders.place(orderFor(user, 'key-00000001'), cart.version),
        cli.orders.place(orderFor(user, 'key-00000001'), cart.version),
      ]);
      expect([a.created, b.created].sort()).toEqual([false, true]);
      expect(a.order.id).toBe(b.order.id);
      await expect(cli.carts.save(user, [cartLine('book-2')], cart.version)).rejects.toMatchObject({ currentVersion: cart.version + 1 });
      const events = await cli.changeFeed.read(0, 10);
      expect(events.map((e) => [e.entity, e.op])).toEqual([
        ['cart', 'insert'],
        ['order', 'insert'],
        ['cart', 'remove'],
      ]);
      await Promise.all([server.close(), cli.close()]);
    } finally {
      temp.remove();
    }
  });

  it('indexes the stock of a store made before the stock index, a document from before stock existed reading as null', async () => {
    const temp = tempDir();
    try {
      const file = join(temp.dir, 'store.db');
      const first = openSqliteSystemOfRecord(file);
      const counted = await first.catalog.create(bookInput(1, { stock: 4 }));
      const old = await first.catalog.create(bookInput(2));
      const { stock: _, ...withoutStock } = old;
      first.db.prepare('UPDATE books SET doc = ? WHERE id = ?').run(JSON.stringify(withoutStock), old.id);
      // Back to the version before the stock index (the newest schema step), as a store made then has it.
      first.db.exec('DROP INDEX books_stock');
      first.db.pragma(`user_version = ${(first.db.pragma('user_version', { simple: true }) as number) - 1}`);
      await first.close();

      const second = openSqliteSystemOfRecord(file);
      expect(second.db.prepare("SELECT name FROM sqlite_master WHERE name = 'books_stock'").pluck().get()).toBe('books_stock');
      expect([...(await second.catalog.stockOf([counted.id, old.id])).entries()].sort()).toEqual([[counted.id, 4], [old.id, null]].sort());
      await second.close();
    } finally {
      temp.remove();
    }
  });

  it('keeps checkpoints in their own table inside a file another adapter migrates', async () => {
    const temp = tempDir();
    try {
      const sor = openSqliteSystemOfRecord(join(temp.dir, 'store.db'));
      const checkpoints = new SqliteCheckpointStore(sor.db);
      await checkpoints.reset('search', 4);
      const again = new SqliteCheckpointStore(sor.db);
      expect(await again.get('search')).toMatchObject({ position: 4, generation: 1 });
      expect(await sor.catalog.create(bookInput(1))).toMatchObject({ version: 1 });
      await sor.close();
    } finally {
      temp.remove();
    }
  });
});
