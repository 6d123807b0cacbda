import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Book } from '../../src/domain/book.js';
import { ConflictError, NotFoundError, PreconditionFailedError, ValidationError } from '../../src/domain/errors.js';
import { ID_PATTERN } from '../../src/domain/ids.js';
import type { Catalog } from '../../src/ports/catalog.js';
import { bookInput } from './system-of-record.js';

interface CatalogUnderTest {
  catalog: Catalog;
  close(): Promise<void>;
}

/** Follows cursors to the end, checking every page stays within the limit. */
async function listAll(catalog: Catalog, limit: number, category?: string): Promise<Book[]> {
  const books: Book[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 1000; pages++) {
    const page = await catalog.list({ limit, cursor, category });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    books.push(...page.items);
    if (page.nextCursor === null) return books;
    cursor = page.nextCursor;
  }
  throw new Error('the listing never ended');
}

function byFoldedTitleThenId(a: Book, b: Book): number {
  const ta = a.title.toLowerCase();
  const tb = b.title.toLowerCase();
  if (ta !== tb) return ta < tb ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function catalogConformance(make: () => Promise<CatalogUnderTest>): void {
  describe('Catalog conformance', () => {
    let store: CatalogUnderTest;
    let catalog: Catalog;
    beforeEach(async () => {
      store = await make();
      catalog = store.catalog;
    });
    afterEach(async () => {
      await store.close();
    });

    it('creates a book with a new id, version 1 and timestamps, and reads it back', async () => {
      const input = bookInput(1, { authors: ['Ann', 'Bo'], coverUrl: 'https://example.com/1.jpg' });
      const book = await catalog.create(input);
      expect(book).toMatchObject(input);
      expect(book.id).toMatch(ID_PATTERN);
      expect(book.version).toBe(1);
      expect(new Date(book.createdAt).toISOString()).toBe(book.createdAt);
      expect(book.updatedAt).toBe(book.createdAt);
      expect(await catalog.get(book.id)).toEqual(book);
      expect(await catalog.get('0000000000zzzzzzzzzzzzzzzz')).toBeNull();
      const other = await catalog.create(bookInput(2));
      expect(other.id).not.toBe(book.id);
    });

    it('rejects a book whose ISBN another book has', async () => {
      await catalog.create(bookInput(1));
      const attempt = catalog.create(bookInput(1, { title: 'Another title' }));
      await expect(attempt).rejects.toBeInstanceOf(ConflictError);
      await expect(attempt).rejects.toMatchObject({ code: 'isbn-taken', field: 'isbn' });
      expect((await listAll(catalog, 10)).map((b) => b.title)).toEqual(['Book 1']);
    });

    it('finds books by ISBN and by ids, leaving unknown ones out', async () => {
      const a = await catalog.create(bookInput(1));
      const b = await catalog.create(bookInput(2));
      expect(await catalog.findByIsbn(bookInput(2).isbn)).toEqual(b);
      expect(await catalog.findByIsbn(bookInput(3).isbn)).toBeNull();
      const many = await catalog.getMany([a.id, 'missing', b.id]);
      expect([...many.keys()].sort()).toEqual([a.id, b.id].sort());
      expect(many.get(a.id)).toEqual(a);
      expect((await catalog.getMany([])).size).toBe(0);
    });

    it('reads only the stock of books by ids: counted, uncounted (null) or none left, leaving unknown ones out', async () => {
      const counted = await catalog.create(bookInput(1, { stock: 7 }));
      const uncounted = await catalog.create(bookInput(2));
      const soldOut = await catalog.create(bookInput(3, { stock: 0 }));
      const stock = await catalog.stockOf([counted.id, 'missing', uncounted.id, soldOut.id, counted.id]);
      expect([...stock.entries()].sort()).toEqual([[counted.id, 7], [uncounted.id, null], [soldOut.id, 0]].sort());
      expect((await catalog.stockOf([])).size).toBe(0);

      await catalog.update(counted.id, { stock: 3 });
      await catalog.update(uncounted.id, { stock: 12 });
      await catalog.update(soldOut.id, { stock: null });
      expect([...(await catalog.stockOf([counted.id, uncounted.id, soldOut.id])).entries()].sort()).toEqual(
        [[counted.id, 3], [uncounted.id, 12], [soldOut.id, null]].sort(),
      );
      await catalog.delete(uncounted.id);
      expect([...(await catalog.stockOf([counted.id, uncounted.id])).keys()]).toEqual([counted.id]);
    });

    it('reads the stock of more books than one batch of an engine holds, each as the whole book has it', async () => {
      const inputs = Array.from({ length: 130 }, (_, i) => bookInput(i + 1, { stock: i % 3 === 0 ? null : i }));
      await catalog.upsertByIsbn(inputs);
      const books = await listAll(catalog, 50);
      expect(books).toHaveLength(130);
      const stock = await catalog.stockOf(books.map((b) => b.id));
      expect(stock.size).toBe(130);
      for (const book of books) expect(stock.get(book.id)).toBe(book.stock);
      expect(books.filter((b) => b.stock === null)).toHaveLength(44);
    });

    it('updates the given fields, bumping the version and keeping identity and creation time', async () => {
      const book = await catalog.create(bookInput(1));
      const updated = await catalog.update(book.id, { title: 'New title', price: 2999, authors: ['Cy'] });
      expect(updated).toMatchObject({ id: book.id, title: 'New title', price: 2999, authors: ['Cy'], isbn: book.isbn, version: 2, createdAt: book.createdAt });
      expect(updated.updatedAt >= book.updatedAt).toBe(true);
      expect(await catalog.get(book.id)).toEqual(updated);
      const again = await catalog.update(book.id, { isbn: bookInput(9).isbn }, 2);
      expect(again.version).toBe(3);
      expect(await catalog.findByIsbn(book.isbn)).toBeNull();
      expect((await catalog.findByIsbn(bookInput(9).isbn))?.id).toBe(book.id);
    });

    it('keeps the version when an update changes nothing', async () => {
      const book = await catalog.create(bookInput(1));
      const same = await catalog.update(book.id, { title: book.title, price: book.price, category: undefined });
      expect(same).toEqual(book);
      expect(await catalog.get(book.id)).toEqual(book);
    });

    it('checks existence, the expected version and ISBN uniqueness on update', async () => {
      const book = await catalog.create(bookInput(1));
      const other = await catalog.create(bookInput(2));
      await catalog.update(book.id, { price: 1 });
      const stale = catalog.update(book.id, { price: 2 }, 1);
      await expect(stale).rejects.toBeInstanceOf(PreconditionFailedError);
      await expect(stale).rejects.toMatchObject({ currentVersion: 2 });
      await expect(catalog.update('0000000000zzzzzzzzzzzzzzzz', { price: 2 })).rejects.toBeInstanceOf(NotFoundError);
      await expect(catalog.update(book.id, { isbn: other.isbn })).rejects.toMatchObject({ code: 'isbn-taken', field: 'isbn' });
      expect((await catalog.get(book.id))?.price).toBe(1);
    });

    it('deletes a book under the same version and existence rules', async () => {
      const book = await catalog.create(bookInput(1));
      const updated = await catalog.update(book.id, { price: 5 });
      await expect(catalog.delete(book.id, 1)).rejects.toMatchObject({ currentVersion: 2 });
      expect(await catalog.get(book.id)).not.toBeNull();
      await catalog.delete(book.id, updated.version);
      expect(await catalog.get(book.id)).toBeNull();
      expect(await catalog.findByIsbn(book.isbn)).toBeNull();
      await expect(catalog.delete(book.id)).rejects.toBeInstanceOf(NotFoundError);
      // The ISBN is free again.
      expect((await catalog.create(bookInput(1))).id).not.toBe(book.id);
    });

    it('lists by case-folded title then id, every book exactly once across pages', async () => {
      const titles = ['banana', 'Apple', 'cherry', 'apple', 'Banana', 'date', 'Apple', 'elder', 'Fig', 'fig', 'grape', 'Apple pie', 'apple', 'kiwi'];
      const created: Book[] = [];
      for (const [i, title] of [...titles, ...titles].entries()) created.push(await catalog.create(bookInput(i, { title })));
      const expected = [...created].sort(byFoldedTitleThenId).map((b) => b.id);
      for (const limit of [1, 5, 7, 28, 100]) {
        expect((await listAll(catalog, limit)).map((b) => b.id)).toEqual(expected);
      }
      const first = await catalog.list({ limit: 100 });
      expect(first.items).toHaveLength(28);
      expect(first.nextCursor).toBeNull();
    });

    it('lists one category with the same order and paging', async () => {
      const created: Book[] = [];
      for (let i = 0; i < 20; i++) {
        created.push(await catalog.create(bookInput(i, { title: `Title ${(i * 7) % 20}`, category: i % 3 === 0 ? 'Poetry' : 'Fiction' })));
      }
      const poetry = created.filter((b) => b.category === 'Poetry').sort(byFoldedTitleThenId);
      expect((await listAll(catalog, 2, 'Poetry')).map((b) => b.id)).toEqual(poetry.map((b) => b.id));
      expect(await listAll(catalog, 3, 'Cooking')).toEqual([]);
    });

    it('rejects a cursor it did not issue', async () => {
      for (let i = 0; i < 3; i++) await catalog.create(bookInput(i));
      for (const cursor of ['not a cursor!', Buffer.from('[1,2]').toString('base64url'), Buffer.from('{"a":"b"}').toString('base64url')]) {
        const attempt = catalog.list({ limit: 2, cursor });
        await expect(attempt).rejects.toBeInstanceOf(ValidationError);
        await expect(attempt).rejects.toMatchObject({ issues: [expect.objectContaining({ field: 'cursor' })] });
      }
    });

    it('counts books per category, by name', async () => {
      await catalog.create(bookInput(1, { category: 'Science' }));
      await catalog.create(bookInput(2, { category: 'Fiction' }));
      await catalog.create(bookInput(3, { category: 'Science' }));
      expect(await catalog.categories()).toEqual([
        { name: 'Fiction', count: 1 },
        { name: 'Science', count: 2 },
      ]);
    });

    it('upserts by ISBN: creates, then leaves identical rows alone, then updates changed rows in place', async () => {
      const inputs = Array.from({ length: 30 }, (_, i) => bookInput(i));
      expect(await catalog.upsertByIsbn(inputs)).toEqual({ created: 30, updated: 0, unchanged: 0 });
      const before = await listAll(catalog, 100);
      expect(before).toHaveLength(30);
      expect(before.every((b) => b.version === 1)).toBe(true);

      expect(await catalog.upsertByIsbn(inputs)).toEqual({ created: 0, updated: 0, unchanged: 30 });
      expect(await listAll(catalog, 100)).toEqual(before);

      const changed = inputs.map((input, i) => (i < 5 ? { ...input, price: input.price + 1 } : input));
      expect(await catalog.upsertByIsbn([...changed, bookInput(100)])).toEqual({ created: 1, updated: 5, unchanged: 25 });
      const target = before.find((b) => b.isbn === inputs[0]!.isbn)!;
      const after = await catalog.get(target.id);
      expect(after).toMatchObject({ id: target.id, price: target.price + 1, version: 2, createdAt: target.createdAt });
      expect(await catalog.upsertByIsbn([])).toEqual({ created: 0, updated: 0, unchanged: 0 });
    });
  });
}
