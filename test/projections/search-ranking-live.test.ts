/**
 * The embedded search's in-memory ranking index follows the catalog through the search projection:
 * once the projection has applied a write, the very next search ranks the new text (the index adds
 * no delay of its own; how soon the projection applies a commit is the bench's commit-to-apply lag),
 * and a deleted book never comes back: not from the index's memory, not from a stale redelivery,
 * not from the postings it saved for the next start.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/composition.js';
import { loadConfig } from '../../src/config.js';
import { SqliteSearchIndex } from '../../src/adapters/embedded/sqlite-search-index.js';
import type { Book } from '../../src/domain/book.js';
import { toSearchDocument } from '../../src/projections/search-projection.js';
import { tempDir } from '../support/temp-dir.js';
import { importRelevanceCatalog } from '../relevance/relevance-suite.js';

const dir = tempDir('bookstore-ranking-live-');
let store: Store;

const open = () => openStore(loadConfig({ BOOKSTORE_DATA_DIR: dir.path }));
const titles = async (q: string) => (await store.searchIndex.search({ q, sort: 'relevance', limit: 20 })).hits.map((h) => h.book.title);
/** Ids of every hit; the total must count exactly those (a deleted book's key left in the ranking would count without a hit). */
async function ids(q: string): Promise<string[]> {
  const result = await store.searchIndex.search({ q, sort: 'relevance', limit: 50 });
  expect(result.total, q).toBe(result.hits.length);
  return result.hits.map((h) => h.book.id);
}

async function bookTitled(title: string): Promise<Book> {
  const hit = (await store.searchIndex.search({ q: title, sort: 'relevance', limit: 5 })).hits.find((h) => h.book.title === title);
  if (!hit) throw new Error(`no book titled ${title}`);
  return (await store.catalog.get(hit.book.id))!;
}

beforeAll(async () => {
  store = await open();
  await importRelevanceCatalog(store);
  // The first search loads the ranking index from the tables; everything after is a live update.
  expect(await titles('mockingbird')).toContain('To Kill a Mockingbird');
  expect(store.searchIndex).toBeInstanceOf(SqliteSearchIndex);
  expect((store.searchIndex as SqliteSearchIndex).rankingLoad?.source).toBe('tables');
});

afterAll(async () => {
  await store?.close();
  dir.remove();
});

describe('the in-memory ranking index fed by the search projection', () => {
  it('ranks a new book, a retitled book and a typo of the new words as soon as the projection has applied them', async () => {
    const created = await store.catalog.create({
      isbn: '9781999999991',
      title: 'Quillfeather Chronicles',
      authors: ['Ondine Marsh'],
      category: 'Fantasy',
      description: 'A cartographer maps a city that rearranges itself every night.',
      price: 1599,
      currency: 'USD',
      coverUrl: null,
      rating: 4.2,
      year: 2024,
    });
    const dune = await bookTitled('Dune (Dune, #1)');
    await store.catalog.update(dune.id, { title: 'Dune Reforged (Dune, #1)' }, dune.version);
    expect(await titles('quillfeather')).not.toContain('Quillfeather Chronicles');
    await store.projections.catchUp();
    expect(await titles('quillfeather')).toEqual(['Quillfeather Chronicles']);
    expect(await titles('quilfeather chronicles')).toContain('Quillfeather Chronicles');
    expect(await titles('ondine marsh')).toEqual(['Quillfeather Chronicles']);
    expect(await titles('reforged')).toEqual(['Dune Reforged (Dune, #1)']);
    expect((await store.searchIndex.search({ q: 'cartographer', sort: 'relevance', limit: 5 })).hits[0]?.book.id).toBe(created.id);
  });

  it('never shows a deleted book again: not after the delete, a stale redelivery or a restart from the saved postings', async () => {
    const gone = await bookTitled('To Kill a Mockingbird');
    await store.catalog.delete(gone.id, gone.version);
    await store.projections.catchUp();
    expect(await ids('to kill a mockingbird')).not.toContain(gone.id);
    expect(await ids('mockingbird')).not.toContain(gone.id);
    // An old copy of the book delivered again (a retry from before the delete) must not bring it back.
    await store.searchIndex.upsert([toSearchDocument(gone)]);
    expect(await ids('mockingbird')).not.toContain(gone.id);
    expect(await ids('to kil a mockingbird')).not.toContain(gone.id);

    await store.close();
    store = await open();
    expect(await ids('mockingbird')).not.toContain(gone.id);
    expect((store.searchIndex as SqliteSearchIndex).rankingLoad?.source).toBe('snapshot');
    expect(await titles('quillfeather')).toEqual(['Quillfeather Chronicles']);
  });
});
