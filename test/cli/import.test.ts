import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteSearchIndex } from '../../src/adapters/embedded/sqlite-search-index.js';
import { importCatalog } from '../../src/cli/import/import-catalog.js';
import { runImport } from '../../src/cli/import-command.js';
import { CatalogFileError } from '../../src/cli/import/parse-catalog.js';
import { openStore, type Store } from '../../src/composition.js';
import { loadConfig } from '../../src/config.js';
import { tempDir } from '../support/temp-dir.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
const HEADER = 'isbn,title,authors,category,description,price,currency,cover_url,rating,year';

describe('importCatalog', () => {
  let dir: ReturnType<typeof tempDir>;
  let store: Store;

  beforeEach(async () => {
    dir = tempDir('bookstore-import-');
    store = await openStore(loadConfig({ BOOKSTORE_DATA_DIR: dir.path, BOOKSTORE_SCRYPT_COST: '16384' }));
  });

  afterEach(async () => {
    await store.close();
    dir.remove();
  });

  it('imports the sample CSV, skipping invalid rows and reporting their lines', async () => {
    const result = await importCatalog(store, fixture('catalog-sample.csv'));
    expect(result).toMatchObject({ created: 13, updated: 0, unchanged: 0, invalid: 3, superseded: 0 });
    expect(result.errors).toEqual([
      { line: 8, reason: expect.stringMatching(/^isbn: .*check digit/) },
      { line: 11, reason: expect.stringMatching(/^price: "12,99"/) },
      { line: 16, reason: 'title: is required; rating: must be a number from 0 to 5' },
    ]);

    const quixote = await store.catalog.findByIsbn('9780060934347');
    expect(quixote).toMatchObject({
      title: 'Don Quixote',
      authors: ['Miguel de Cervantes', 'Edith Grossman'],
      coverUrl: 'https://covers.example.com/don-quixote.jpg',
      price: 1999,
      currency: 'USD',
    });
    expect(quixote!.description).toContain('\nWindmills, giants');
    expect(await store.catalog.findByIsbn('9780000000019')).toMatchObject({ price: 1200, currency: 'JPY' });
    expect(await store.catalog.findByIsbn('9780000000026')).toMatchObject({ price: 29, rating: 3.5 });
    expect(await store.catalog.findByIsbn('9780000000040')).toMatchObject({ currency: 'USD', rating: 0, description: '' });
    expect(await store.catalog.findByIsbn('9780141439730')).toMatchObject({ title: 'The Strange Case of Dr Jekyll and Mr Hyde, and Other Tales' });
    expect(await store.catalog.findByIsbn('9780140390698')).toBeNull();
  });

  it('changes nothing and writes no change events when the same file is imported again', async () => {
    await importCatalog(store, fixture('catalog-sample.csv'));
    const head = await store.changeFeed!.head();
    expect(head.seq).toBeGreaterThanOrEqual(13);

    const again = await importCatalog(store, fixture('catalog-sample.csv'));
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 13, invalid: 3 });
    expect(await store.changeFeed!.head()).toEqual(head);
  });

  it('imports JSON Lines, updating the books the CSV already created', async () => {
    await importCatalog(store, fixture('catalog-sample.csv'));
    const result = await importCatalog(store, fixture('catalog-sample.jsonl'));
    // Sense and Sensibility and Don Quixote differ (description, rating), Dumplings and Gravity lost
    // their descriptions and ratings, Signal from Europa is identical.
    expect(result).toMatchObject({ created: 0, updated: 4, unchanged: 1, invalid: 3 });
    expect(result.errors.map((e) => e.line)).toEqual([6, 7, 8]);
    expect(result.errors[1]!.reason).toContain('unknown fields: "publisher"');
    expect(await store.catalog.findByIsbn('9780141439662')).toMatchObject({ description: 'Two sisters face love and loss.' });
  });

  it('lets the last valid row of an ISBN win, across batches, and stays a no-op on re-import', async () => {
    const file = join(dir.path, 'dupes.csv');
    writeFileSync(
      file,
      [
        HEADER,
        '9780141439518,First,Jane Austen,Romance,,1.00,USD,,,1813',
        '9780141439471,Frankenstein,Mary Shelley,Science Fiction,,7.99,USD,,,1818',
        '978-0-14-143951-8,Second,Jane Austen,Romance,,2.00,USD,,,1813',
        '0141439513,Third,Jane Austen,Romance,,3.00,USD,,,1813',
        '9780141439518,Invalid last,Jane Austen,Romance,,oops,USD,,,1813',
      ].join('\n'),
    );
    const result = await importCatalog(store, file, { batchSize: 1 });
    expect(result).toMatchObject({ created: 2, updated: 0, unchanged: 0, invalid: 1, superseded: 2 });
    expect(await store.catalog.findByIsbn('9780141439518')).toMatchObject({ title: 'Third', price: 300 });

    const head = await store.changeFeed!.head();
    expect(await importCatalog(store, file, { batchSize: 1 })).toMatchObject({ created: 0, updated: 0, unchanged: 2 });
    expect(await store.changeFeed!.head()).toEqual(head);
  });

  it('rejects a file with unknown columns before writing anything', async () => {
    const file = join(dir.path, 'extra.csv');
    writeFileSync(file, `${HEADER},publisher\n9780141439518,Emma,Jane Austen,Romance,,8.99,USD,,,1815,Penguin\n`);
    await expect(importCatalog(store, file)).rejects.toThrow(CatalogFileError);
    await expect(importCatalog(store, file)).rejects.toThrow('unknown columns: "publisher"');
    expect((await store.changeFeed!.head()).seq).toBe(0);
  });

  it('rejects a broken file before writing any of its good rows', async () => {
    const file = join(dir.path, 'broken.csv');
    writeFileSync(file, `${HEADER}\n9780141439518,Emma,Jane Austen,Romance,,8.99,USD,,,1815\n9780141439471,"Frankenstein,Mary Shelley,F,,7.99,USD,,,1818\n`);
    await expect(importCatalog(store, file)).rejects.toThrow('line 3: a quoted value is never closed');
    expect(await store.catalog.findByIsbn('9780141439518')).toBeNull();
    // The valid rows waiting to be written are cleaned up either way.
    expect(readdirSync(dir.path).filter((name) => name.startsWith('.import-'))).toEqual([]);
  });

  it('honours --format over the extension', async () => {
    const file = join(dir.path, 'books.txt');
    writeFileSync(file, '{"isbn":"9780141439518","title":"Emma","authors":["Jane Austen"],"category":"Romance","price":"8.99","year":1815}\n');
    await expect(importCatalog(store, file)).rejects.toThrow(CatalogFileError);
    expect(await importCatalog(store, file, { format: 'jsonl' })).toMatchObject({ created: 1, invalid: 0 });
  });
});

describe('bookstore import', () => {
  it('saves the in-memory ranking with the index, so the next start reads it instead of every stored book', async () => {
    const dir = tempDir('bookstore-import-ranking-');
    try {
      const config = loadConfig({ BOOKSTORE_DATA_DIR: dir.path, BOOKSTORE_SCRYPT_COST: '16384' });
      await runImport(config, fixture('catalog-sample.csv'), {});
      const index = SqliteSearchIndex.open(join(dir.path, 'search.db'));
      try {
        const found = await index.search({ q: 'quixote', sort: 'relevance', limit: 5 });
        expect(index.rankingLoad).toMatchObject({ source: 'snapshot', documents: 13 });
        expect(found.hits.map((h) => h.book.title)).toEqual(['Don Quixote']);
      } finally {
        await index.close();
      }
    } finally {
      process.exitCode = undefined;
      dir.remove();
    }
  });
});
