import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqlite } from '../../src/adapters/embedded/sqlite-database.js';
import { SqliteCheckpointStore } from '../../src/adapters/embedded/sqlite-checkpoint-store.js';
import { SqliteSearchIndex } from '../../src/adapters/embedded/sqlite-search-index.js';
import { startBackgroundCatchUp } from '../../src/cli/background-catch-up.js';
import { catchUpWithProgress } from '../../src/cli/catch-up.js';
import { importCatalog } from '../../src/cli/import/import-catalog.js';
import { generateBooks } from '../../src/cli/seed/demo-data.js';
import { openStore, type Store } from '../../src/composition.js';
import { loadConfig, type Config } from '../../src/config.js';
import { ChangeFeedRunner } from '../../src/projections/runner.js';
import { SearchProjection } from '../../src/projections/search-projection.js';
import type { SearchIndex } from '../../src/ports/search-index.js';
import { runCli } from '../support/server-process.js';
import { tempDir } from '../support/temp-dir.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const HEADER = 'isbn,title,authors,category,description,price,currency,cover_url,rating,year';
const QUERIES = ['the', 'love', 'war and peace', 'myst', 'dragn', 'jane austen'];

function csvField(v: string | number): string {
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The bench's catalog (demo-data's generator), `count` books, with every price raised by `bump` cents. */
function writeCatalog(file: string, count: number, bump = 0): void {
  const lines = [HEADER];
  for (const b of generateBooks(7, count)) {
    lines.push([b.isbn, b.title, b.authors.join(';'), b.category, b.description, ((b.price + bump) / 100).toFixed(2), b.currency, '', b.rating, b.year].map(csvField).join(','));
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
}

/** What a shopper sees of an index: hits in order (by id), totals and facets. */
async function visible(index: SearchIndex): Promise<unknown[]> {
  const seen: unknown[] = [await index.count()];
  for (const q of QUERIES) {
    const r = await index.search({ q, sort: 'relevance', limit: 10 });
    seen.push([q, r.total, r.hits.map((h) => [h.book.id, h.book.price]), r.facets]);
  }
  return seen;
}

/**
 * The same, comparable between two stores (their ids differ, so ties may list in another order):
 * every indexed book by ISBN with its price, and each query's total and facets.
 */
async function indexed(store: Store): Promise<unknown[]> {
  const books = await store.catalog.getMany([...(await store.searchIndex.versions()).keys()]);
  const seen: unknown[] = [[...books.values()].map((b) => `${b.isbn} ${b.price} v${b.version}`).sort()];
  for (const q of QUERIES) {
    const r = await store.searchIndex.search({ q, sort: 'relevance', limit: 10 });
    seen.push([q, r.total, r.facets]);
  }
  return seen;
}

describe('catching up after an import', () => {
  let dir: ReturnType<typeof tempDir>;
  const stores: Store[] = [];
  const config = (name: string): Config => loadConfig({ BOOKSTORE_DATA_DIR: join(dir.path, name), BOOKSTORE_SCRYPT_COST: '16384' });
  const open = async (name: string) => {
    const store = await openStore(config(name));
    stores.push(store);
    return store;
  };

  beforeEach(() => {
    dir = tempDir('bookstore-import-catch-up-');
  });
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
    dir.remove();
  });

  it('leaves the same search index with a worker indexing during the import as without one', async () => {
    const file = join(dir.path, 'catalog.csv');
    writeCatalog(file, 3000);
    const plain = await open('plain');
    await importCatalog(plain, file);
    await plain.projections.catchUp();

    const alongside = await open('alongside');
    const worker = startBackgroundCatchUp(config('alongside'));
    await importCatalog(alongside, file, { batchSize: 200 });
    // The worker alone brings the derived stores up to date (this thread has not applied anything)…
    const deadline = Date.now() + 60_000;
    while ((await alongside.projections.status()).some((p) => p.lagEvents > 0) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect((await alongside.projections.status()).map((p) => p.lagEvents)).toEqual([0, 0, 0]);
    // …and stopping it leaves nothing for this thread to do.
    await catchUpWithProgress(alongside, worker);

    expect(await alongside.searchIndex.count()).toBe(3000);
    expect(await indexed(alongside)).toEqual(await indexed(plain));
  });

  it('gives the same search index applying the feed in one large batch as event by event', async () => {
    const store = await open('record');
    const file = join(dir.path, 'catalog.csv');
    writeCatalog(file, 1500);
    await importCatalog(store, file);
    // Updates and deletions in the feed too: every book repriced, then some removed.
    writeCatalog(file, 1500, 100);
    expect(await importCatalog(store, file)).toMatchObject({ updated: 1500 });
    const page = await store.catalog.list({ limit: 50 });
    for (const book of page.items) await store.catalog.delete(book.id);

    const indexWith = async (batches: { batchSize: number; catchUpBatchSize: number }) => {
      const index = SqliteSearchIndex.open(':memory:');
      const runner = new ChangeFeedRunner({
        feed: store.changeFeed!,
        snapshots: store.snapshots!,
        consumers: [{ projection: new SearchProjection(index), checkpoints: new SqliteCheckpointStore(index.db) }],
        ...batches,
      });
      await runner.catchUp();
      return index;
    };
    const oneByOne = await indexWith({ batchSize: 1, catchUpBatchSize: 1 });
    const bulk = await indexWith({ batchSize: 1, catchUpBatchSize: 100_000 });
    try {
      expect(await bulk.count()).toBe(1450);
      expect(await bulk.versions()).toEqual(await oneByOne.versions());
      expect(await visible(bulk)).toEqual(await visible(oneByOne));
      for (const prefix of ['dra', 'aus', 'myst']) expect(await bulk.suggest(prefix, 8)).toEqual(await oneByOne.suggest(prefix, 8));
    } finally {
      await bulk.close();
      await oneByOne.close();
    }
  });
});

describe('an import that stops part way', () => {
  it('keeps each committed batch whole, with its change events, and importing again writes only the rest', async () => {
    const dir = tempDir('bookstore-import-stopped-');
    const store = await openStore(loadConfig({ BOOKSTORE_DATA_DIR: dir.path, BOOKSTORE_SCRYPT_COST: '16384' }));
    try {
      const file = join(dir.path, 'catalog.csv');
      writeCatalog(file, 2000);
      const upsert = store.catalog.upsertByIsbn.bind(store.catalog);
      let calls = 0;
      // The third batch dies as a crash would: nothing of it is written.
      store.catalog.upsertByIsbn = async (books) => {
        if (++calls === 3) throw new Error('simulated crash');
        return upsert(books);
      };
      await expect(importCatalog(store, file, { batchSize: 500 })).rejects.toThrow('simulated crash');
      expect((await store.changeFeed!.head()).seq).toBe(1000);
      expect((await store.catalog.categories()).reduce((n, c) => n + c.count, 0)).toBe(1000);

      store.catalog.upsertByIsbn = upsert;
      expect(await importCatalog(store, file)).toMatchObject({ created: 1000, unchanged: 1000 });
      expect((await store.changeFeed!.head()).seq).toBe(2000);
      await store.projections.catchUp();
      expect(await store.searchIndex.count()).toBe(2000);
    } finally {
      await store.close();
      dir.remove();
    }
  });

  it('killed while it indexes, leaves the record and the index consistent, and importing again completes it', async () => {
    const dir = tempDir('bookstore-import-killed-');
    try {
      const file = join(dir.path, 'catalog.csv');
      // Over a MiB, so the import also indexes on its worker thread when it is killed.
      writeCatalog(file, 6000);
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'import', file], {
        cwd: root,
        env: { ...process.env, BOOKSTORE_DATA_DIR: dir.path, BOOKSTORE_SCRYPT_COST: '16384', BOOKSTORE_LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      let out = '';
      // Killed once the check is over: the books are written in one transaction (or not at all) and
      // then indexed, on the worker and this thread; the store must be consistent wherever it stops.
      await new Promise<void>((resolve) => {
        const look = (d: Buffer) => {
          out += d.toString();
          if (/checking .*done/.test(out)) setTimeout(resolve, 300);
        };
        child.stderr!.on('data', look);
        child.once('exit', () => resolve());
      });
      child.kill('SIGKILL');
      await exited;

      const record = openSqlite(join(dir.path, 'store.db'), { durability: 'full', readonly: true });
      const books = record.prepare('SELECT count(*) FROM books').pluck().get() as number;
      const bookEvents = record.prepare(`SELECT count(*) FROM outbox WHERE entity = 'book'`).pluck().get() as number;
      record.close();
      expect(bookEvents).toBe(books);
      const search = openSqlite(join(dir.path, 'search.db'), { durability: 'normal', readonly: true });
      expect(search.pragma('integrity_check', { simple: true })).toBe('ok');
      search.close();

      const again = runCli(dir.path, ['import', file]);
      expect(again.status, again.stderr).toBe(0);
      expect(again.stdout).toMatch(new RegExp(`created:\\s+${6000 - books}\\b`));
      const store = await openStore(loadConfig({ BOOKSTORE_DATA_DIR: dir.path, BOOKSTORE_SCRYPT_COST: '16384' }));
      try {
        expect(await store.searchIndex.count()).toBe(6000);
        expect((await store.projections.status()).map((p) => p.lagEvents)).toEqual([0, 0, 0]);
        const head = await store.changeFeed!.head();
        expect(await importCatalog(store, file)).toMatchObject({ created: 0, updated: 0, unchanged: 6000 });
        expect(await store.changeFeed!.head()).toEqual(head);
      } finally {
        await store.close();
      }
    } finally {
      dir.remove();
    }
  }, 120_000);
});
