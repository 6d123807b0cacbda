import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteSystemOfRecord } from '../../src/adapters/embedded/sqlite-system-of-record.js';
import { guestCartsConformance } from './guest-carts.js';

guestCartsConformance(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bookstore-guest-carts-'));
  const sor = openSqliteSystemOfRecord(join(dir, 'store.db'));
  return {
    guestCarts: sor.guestCarts,
    async close() {
      await sor.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
