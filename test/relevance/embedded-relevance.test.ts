import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/composition.js';
import { loadConfig } from '../../src/config.js';
import { tempDir } from '../support/temp-dir.js';
import {
  describeRelevance,
  importRelevanceCatalog,
  measureRelevance,
  relevanceBooks,
  RELEVANCE_FLOOR,
  RELEVANCE_QUERIES,
  searchThrough,
  suiteProblems,
} from './relevance-suite.js';

describe('relevance suite on the embedded profile', () => {
  const dir = tempDir('bookstore-relevance-');
  let store: Store;

  beforeAll(async () => {
    store = await openStore(loadConfig({ BOOKSTORE_DATA_DIR: dir.path }));
    await importRelevanceCatalog(store);
  });

  afterAll(async () => {
    await store?.close();
    dir.remove();
  });

  it('is a suite of at least 300 books and 150 queries, each naming one book of the catalog', async () => {
    const books = await relevanceBooks();
    expect(books.length).toBeGreaterThanOrEqual(300);
    expect(RELEVANCE_QUERIES.length).toBeGreaterThanOrEqual(150);
    expect(suiteProblems(books)).toEqual([]);
    expect(await store.searchIndex.count()).toBe(books.length);
  });

  it('finds the book each query names, at or above the floor', async () => {
    const report = await measureRelevance(searchThrough(store.searchIndex));
    console.log(describeRelevance('embedded', report));
    expect(report.top3 / report.queries).toBeGreaterThanOrEqual(RELEVANCE_FLOOR.top3);
    expect(report.top1 / report.queries).toBeGreaterThanOrEqual(RELEVANCE_FLOOR.top1);
  });
});
