import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteSystemOfRecord } from '../../src/adapters/embedded/sqlite-system-of-record.js';
import { WalCheckpointer } from '../../src/adapters/embedded/sqlite-wal-checkpointer.js';
import { bookInput } from '../conformance/system-of-record.js';

const dirs: string[] = [];
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bookstore-checkpointer-'));
  dirs.push(dir);
  return join(dir, 'store.db');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((r) => setTimeout(r, 20));
}

describe('WalCheckpointer', () => {
  it('checkpoints from its worker once the WAL has grown, with the connection no longer checkpointing in its commits', async () => {
    const file = tempFile();
    const sor = openSqliteSystemOfRecord(file);
    const checkpointer = new WalCheckpointer(sor.db, file, { frames: 10, intervalMs: 20 });
    try {
      expect(sor.db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
      for (let n = 1; n <= 30; n++) await sor.catalog.create(bookInput(n));
      await until(() => checkpointer.checkpoints > 0);
      expect(checkpointer.lastError).toBeNull();
      expect(checkpointer.checkpoints).toBeGreaterThan(0);
    } finally {
      await checkpointer.stop();
      await sor.close();
    }
  });

  it('gives the connection its auto-checkpoint back when stopped', async () => {
    const file = tempFile();
    const sor = openSqliteSystemOfRecord(file);
    const checkpointer = new WalCheckpointer(sor.db, file);
    await checkpointer.stop();
    expect(sor.db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    await sor.close();
  });

  it('stops with the system of record, its connection closed too', async () => {
    const file = tempFile();
    const sor = openSqliteSystemOfRecord(file, { checkpoints: 'background' });
    await sor.catalog.create(bookInput(1));
    expect(existsSync(`${file}-wal`)).toBe(true);
    await sor.close();
    // SQLite deletes the WAL when the last connection to the file closes: the worker's closed as well.
    expect(existsSync(`${file}-wal`)).toBe(false);
  });
});
