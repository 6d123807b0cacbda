import type { Config } from '../config.js';
import { openRecordStore } from '../composition.js';
import { seedStore } from './seed/seed.js';
import { printSummary } from './progress.js';
import { catchUpWithProgress, noteDeployedDerivedStores } from './catch-up.js';

export async function runSeed(config: Config, opts: { books: number; users: number; orders: number; seed: number; force: boolean }): Promise<void> {
  const store = await openRecordStore(config);
  try {
    if (!opts.force && (await store.catalog.list({ limit: 1 })).items.length > 0) {
      throw new Error(`the store in ${config.dataDir} already has books; pass --force to add a seeded store on top, or point BOOKSTORE_DATA_DIR at an empty directory`);
    }
    const started = Date.now();
    const summary = await seedStore(store, { books: opts.books, users: opts.users, orders: opts.orders, seed: opts.seed, progress: true });
    if (store.store) await catchUpWithProgress(store.store);
    else noteDeployedDerivedStores(config);
    printSummary({
      books: summary.books,
      users: summary.users,
      friendships: summary.friendships,
      orders: summary.orders,
      'demo customer': summary.demoCustomer.password
        ? `${summary.demoCustomer.email} / ${summary.demoCustomer.password}`
        : `${summary.demoCustomer.email} (already existed; its password was shown when it was created)`,
      seconds: ((Date.now() - started) / 1000).toFixed(1),
    });
  } finally {
    await store.close();
  }
}
