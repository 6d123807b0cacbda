import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteSearchIndex } from '../../src/adapters/embedded/sqlite-search-index.js';
import type { SearchDocument } from '../../src/ports/search-index.js';
import { searchIndexConformance } from './search-index.js';

const dir = mkdtempSync(join(tmpdir(), 'bookstore-search-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
const freshFile = () => join(dir, `search-${++files}.db`);

searchIndexConformance(async () => {
  const index = SqliteSearchIndex.open(freshFile());
  return { index, close: () => index.close() };
});

function doc(id: string, title: string, version = 1): SearchDocument {
  return { id, isbn: '9780000000001', title, authors: ['Some One'], category: 'Fiction', description: '', price: 1000, currency: 'USD', coverUrl: null, rating: 3, year: 2000, version };
}

/** What the port cannot express: the server and the CLI hold the same file open, each with its own caches. */
describe('embedded search index shared by two handles on one file', () => {
  it('each handle sees the writes of the other, in hits, totals, facets and suggestions', async () => {
    const file = freshFile();
    const [server, cli] = [SqliteSearchIndex.open(file), SqliteSearchIndex.open(file)];
    try {
      await server.upsert([doc('a', 'Lantern Keeper')]);
      expect((await cli.search({ q: 'lantern', sort: 'relevance', limit: 10 })).total).toBe(1);
      expect((await server.search({ q: '', sort: 'relevance', limit: 10 })).total).toBe(1);

      await cli.upsert([doc('b', 'Lantern Maker'), { ...doc('a', 'Lantern Keeper', 2), category: 'Poetry' }]);
      const seen = await server.search({ q: 'lantern', sort: 'relevance', limit: 10 });
      expect(seen.total).toBe(2);
      expect(Object.fromEntries(seen.facets.categories.map((f) => [f.value, f.count]))).toEqual({ Fiction: 1, Poetry: 1 });
      expect((await server.suggest('lantern m', 5)).map((s) => s.bookId)).toEqual(['b']);

      await cli.remove([{ id: 'b', version: 1 }]);
      expect((await server.search({ q: '', sort: 'relevance', limit: 10 })).total).toBe(1);
      expect(await server.suggest('lantern m', 5)).toEqual([]);

      // Removed and added again between two reads of the other handle: counted once.
      await cli.remove([{ id: 'a', version: 2 }]);
      await cli.upsert([doc('a', 'Lantern Keeper', 3)]);
      const readded = await server.search({ q: '', sort: 'relevance', limit: 10 });
      expect(readded.hits.map((h) => h.book.id)).toEqual(['a']);
      expect(readded.total).toBe(1);
      expect(readded.facets.categories).toEqual([{ value: 'Fiction', count: 1 }]);
    } finally {
      await Promise.all([server.close(), cli.close()]);
    }
  });

  it('a rebuild through one handle replaces what the other reads and writes', async () => {
    const file = freshFile();
    const [server, cli] = [SqliteSearchIndex.open(file), SqliteSearchIndex.open(file)];
    try {
      await server.upsert([doc('old', 'Copper Kettle')]);
      expect((await server.search({ q: 'kettle', sort: 'relevance', limit: 10 })).total).toBe(1);

      await cli.rebuild(async (write) => write([doc('new', 'Silver Kettle')]));

      const after = await server.search({ q: 'kettle', sort: 'price_asc', limit: 10 });
      expect(after.hits.map((h) => h.book.id)).toEqual(['new']);
      expect(after.total).toBe(1);
      await server.upsert([doc('more', 'Golden Kettle')]);
      expect((await cli.search({ q: 'kettle', sort: 'relevance', limit: 10 })).total).toBe(2);
      expect(await cli.count()).toBe(2);
    } finally {
      await Promise.all([server.close(), cli.close()]);
    }
  });
});
