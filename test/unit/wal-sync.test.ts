import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WalSync } from '../../src/adapters/embedded/wal-sync.js';
import { Outbox } from '../../src/adapters/embedded/sqlite-outbox.js';
import { SqliteChangeFeed, SqliteSnapshots } from '../../src/adapters/embedded/sqlite-change-feed.js';
import { openSqliteSystemOfRecord } from '../../src/adapters/embedded/sqlite-system-of-record.js';
import { tempDir } from '../support/temp-dir.js';

const dirs: Array<ReturnType<typeof tempDir>> = [];
afterEach(() => dirs.splice(0).forEach((d) => d.remove()));
function dir() {
  const d = tempDir('bookstore-wal-sync-');
  dirs.push(d);
  return d.path;
}

describe('WalSync', () => {
  it('gives callers that arrive while a sync runs the next one, shared, never the running one', async () => {
    const file = join(dir(), 'store.db-wal');
    writeFileSync(file, 'frames');
    const wal = new WalSync(file);
    const first = wal.sync();
    const second = wal.sync();
    const third = wal.sync();
    expect(second).not.toBe(first);
    expect(third).toBe(second);
    await Promise.all([first, second, third]);
    // Nothing running: a new call starts a sync of its own.
    const fourth = wal.sync();
    expect(fourth).not.toBe(second);
    await fourth;
    await wal.close();
  });

  it('settles when there is no WAL file: the last checkpoint left every commit in the synced database', async () => {
    await expect(new WalSync(join(dir(), 'absent.db-wal')).sync()).resolves.toBeUndefined();
  });

  it('rejects when the file cannot be synced, so the write is not reported as done', async () => {
    // A path through a plain file: not "no WAL", an error the writer must hear of.
    const d = dir();
    writeFileSync(join(d, 'plain'), '');
    await expect(new WalSync(join(d, 'plain', 'store.db-wal')).sync()).rejects.toThrow(/ENOTDIR/);
  });
});

describe('Outbox writes of the system of record', () => {
  it('report a write, wake consumers and deliver its events only once its commit is on disk', async () => {
    const sor = openSqliteSystemOfRecord(join(dir(), 'store.db'));
    try {
      let release!: () => void;
      const onDisk = new Promise<void>((resolve) => (release = resolve));
      const outbox = new Outbox(sor.db, () => onDisk);
      const feed = new SqliteChangeFeed(sor.db, outbox);
      const woken: string[] = [];
      outbox.onCommit(() => woken.push('woken'));
      let reported = false;
      const write = outbox
        .write(() => outbox.append({ entity: 'book', key: 'b1', op: 'insert', newImage: null, oldImage: null }))
        .then(() => (reported = true));
      await new Promise((r) => setTimeout(r, 20));
      // Committed (the head counts it) but neither reported, announced nor delivered.
      expect((await feed.head()).seq).toBe(1);
      expect(reported).toBe(false);
      expect(woken).toEqual([]);
      expect(await feed.read(0, 10)).toEqual([]);
      release();
      await write;
      expect(reported).toBe(true);
      expect(woken).toEqual(['woken']);
      expect((await feed.read(0, 10)).map((e) => e.key)).toEqual(['b1']);
    } finally {
      await sor.close();
    }
  });

  it('fail the write when its commit cannot be made durable, and still deliver it once another sync covers it', async () => {
    const sor = openSqliteSystemOfRecord(join(dir(), 'store.db'));
    try {
      let fail = true;
      const outbox = new Outbox(sor.db, async () => {
        if (fail) throw new Error('EIO: i/o error, fdatasync');
      });
      const feed = new SqliteChangeFeed(sor.db, outbox);
      await expect(outbox.write(() => outbox.append({ entity: 'book', key: 'b1', op: 'insert', newImage: null, oldImage: null }))).rejects.toThrow(/EIO/);
      fail = false;
      await outbox.write(() => outbox.append({ entity: 'book', key: 'b2', op: 'insert', newImage: null, oldImage: null }));
      expect((await feed.read(0, 10)).map((e) => e.key)).toEqual(['b1', 'b2']);
    } finally {
      await sor.close();
    }
  });

  it('open a rebuild snapshot only once every commit it can see is on disk', async () => {
    const file = join(dir(), 'store.db');
    const sor = openSqliteSystemOfRecord(file);
    try {
      let release!: () => void;
      const onDisk = new Promise<void>((resolve) => (release = resolve));
      let opened = false;
      const snapshot = new SqliteSnapshots(file, () => onDisk).open().then((s) => {
        opened = true;
        return s;
      });
      await new Promise((r) => setTimeout(r, 20));
      expect(opened).toBe(false);
      release();
      await (await snapshot).close();
      expect(opened).toBe(true);
    } finally {
      await sor.close();
    }
  });
});
