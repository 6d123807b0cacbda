import { randomBytes } from 'node:crypto';
import { bookInputOf, importedInput, nextBookVersion, sameBookInput, stockOf, titleSortKey, type Book, type BookInput } from '../../domain/book.js';
import { ConflictError, NotFoundError, PreconditionFailedError } from '../../domain/errors.js';
import { newId } from '../../domain/ids.js';
import type { Catalog, CategoryCount, UpsertSummary } from '../../ports/catalog.js';
import type { Page, PageRequest } from '../../ports/page.js';
import type { SqliteDatabase, SqliteStatement } from './sqlite-database.js';
import type { Outbox } from './sqlite-outbox.js';
import { decodeCursor, encodeCursor } from '../page-cursor.js';

interface BookRow {
  id: string;
  title_key: string;
  doc: string;
}

/**
 * Schema step: each book's stock beside its id in an index of its own, so a search page's stock is read
 * from this small index (a covering read) instead of from every whole book document. SQLite keeps the
 * index in step with every write of `doc`, whichever adapter makes it (catalog, stock, reviews).
 */
export const BOOK_STOCK_SCHEMA = `CREATE INDEX books_stock ON books (id, json_extract(doc, '$.stock'));`;

/** The stored document of a book row. */
export function bookFromDoc(doc: string): Book {
  const book = JSON.parse(doc) as Book;
  // Documents written before stock existed have none: they read as uncounted (see Book.stock).
  if (book.stock === undefined) book.stock = stockOf(book);
  return book;
}

/** Books in the system of record: indexed columns for lookups and listing, the book itself as JSON. */
export class SqliteCatalog implements Catalog {
  private readonly byId: SqliteStatement<[string], BookRow>;
  private readonly byIsbn: SqliteStatement<[string], BookRow>;
  private readonly manyById: SqliteStatement<[string], BookRow>;
  private readonly stockById: SqliteStatement<[string], { id: string; stock: number | null }>;
  private readonly insertRow: SqliteStatement<[string, string, string, string, string]>;
  private readonly updateRow: SqliteStatement<[string, string, string, string, string]>;
  private readonly deleteRow: SqliteStatement<[string]>;
  private readonly listAll: SqliteStatement<[string, string, number], BookRow>;
  private readonly listCategory: SqliteStatement<[string, string, string, number], BookRow>;
  private readonly categoryCounts: SqliteStatement<[], CategoryCount>;

  constructor(
    db: SqliteDatabase,
    private readonly outbox: Outbox,
  ) {
    this.byId = db.prepare('SELECT id, title_key, doc FROM books WHERE id = ?');
    this.byIsbn = db.prepare('SELECT id, title_key, doc FROM books WHERE isbn = ?');
    this.manyById = db.prepare('SELECT id, title_key, doc FROM books WHERE id IN (SELECT value FROM json_each(?))');
    // INDEXED BY: the planner would take the primary key's index and read each row's document.
    this.stockById = db.prepare(
      "SELECT id, json_extract(doc, '$.stock') AS stock FROM books INDEXED BY books_stock WHERE id IN (SELECT value FROM json_each(?))",
    );
    this.insertRow = db.prepare('INSERT INTO books (isbn, title_key, category, doc, id) VALUES (?, ?, ?, ?, ?)');
    this.updateRow = db.prepare('UPDATE books SET isbn = ?, title_key = ?, category = ?, doc = ? WHERE id = ?');
    this.deleteRow = db.prepare('DELETE FROM books WHERE id = ?');
    // An empty first-page key sorts before every title, so one statement serves every page.
    this.listAll = db.prepare('SELECT id, title_key, doc FROM books WHERE (title_key, id) > (?, ?) ORDER BY title_key, id LIMIT ?');
    this.listCategory = db.prepare(
      'SELECT id, title_key, doc FROM books WHERE category = ? AND (title_key, id) > (?, ?) ORDER BY title_key, id LIMIT ?',
    );
    this.categoryCounts = db.prepare('SELECT category AS name, COUNT(*) AS count FROM books GROUP BY category ORDER BY category');
  }

  async create(input: BookInput): Promise<Book> {
    return this.outbox.write(() => {
      this.assertIsbnFree(input.isbn, null);
      const now = new Date().toISOString();
      const book: Book = { id: newId(), ...bookInputOf(input), version: 1, createdAt: now, updatedAt: now };
      this.insert(book);
      return book;
    });
  }

  async get(id: string): Promise<Book | null> {
    const row = this.byId.get(id);
    return row ? bookFromDoc(row.doc) : null;
  }

  async getMany(ids: readonly string[]): Promise<Map<string, Book>> {
    const found = new Map<string, Book>();
    if (ids.length === 0) return found;
    for (const row of this.manyById.all(JSON.stringify(ids))) found.set(row.id, bookFromDoc(row.doc));
    return found;
  }

  async stockOf(ids: readonly string[]): Promise<Map<string, number | null>> {
    const found = new Map<string, number | null>();
    if (ids.length === 0) return found;
    // A document from before stock existed has none: json_extract reads it as null, uncounted (see stockOf).
    for (const row of this.stockById.all(JSON.stringify(ids))) found.set(row.id, row.stock);
    return found;
  }

  async findByIsbn(isbn: string): Promise<Book | null> {
    const row = this.byIsbn.get(isbn);
    return row ? bookFromDoc(row.doc) : null;
  }

  async list(request: PageRequest & { category?: string | undefined }): Promise<Page<Book>> {
    const [afterTitle, afterId] = request.cursor === undefined ? ['', ''] : (decodeCursor(request.cursor, 2) as [string, string]);
    // One row more than asked tells whether another page follows.
    const rows =
      request.category === undefined
        ? this.listAll.all(afterTitle, afterId, request.limit + 1)
        : this.listCategory.all(request.category, afterTitle, afterId, request.limit + 1);
    const pageRows = rows.slice(0, request.limit);
    const last = pageRows.at(-1);
    return {
      items: pageRows.map((r) => bookFromDoc(r.doc)),
      nextCursor: rows.length > request.limit && last ? encodeCursor([last.title_key, last.id]) : null,
    };
  }

  async categories(): Promise<CategoryCount[]> {
    return this.categoryCounts.all();
  }

  async update(id: string, patch: Partial<BookInput>, expectedVersion?: number): Promise<Book> {
    return this.outbox.write(() => {
      const { book: current, doc } = this.current(id, expectedVersion);
      const definedPatch = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<BookInput>;
      const input = bookInputOf({ ...current, ...definedPatch });
      if (sameBookInput(input, current)) return current;
      if (input.isbn !== current.isbn) this.assertIsbnFree(input.isbn, id);
      return this.replace(current, doc, input, new Date().toISOString());
    });
  }

  async delete(id: string, expectedVersion?: number): Promise<void> {
    await this.outbox.write(() => {
      const { book: current, doc } = this.current(id, expectedVersion);
      this.deleteRow.run(id);
      this.outbox.append({ entity: 'book', key: id, op: 'remove', newImage: null, oldImage: current }, { oldImage: doc });
    });
  }

  async upsertByIsbn(inputs: readonly BookInput[]): Promise<UpsertSummary> {
    return this.outbox.write(() => {
      const summary: UpsertSummary = { created: 0, updated: 0, unchanged: 0 };
      const nowMs = Date.now();
      const now = new Date(nowMs).toISOString();
      // One draw of randomness for the batch's ids: a draw per id costs more than the rest of an insert.
      const random = randomBytes(10 * inputs.length);
      inputs.forEach((raw, i) => {
        const row = this.byIsbn.get(raw.isbn);
        // Parsed once: a re-run over a million unchanged books is mostly this.
        const current = row ? bookFromDoc(row.doc) : undefined;
        const input = importedInput(raw, current);
        if (!row || !current) {
          const id = newId(nowMs, random.subarray(10 * i, 10 * i + 10));
          this.insert({ id, ...bookInputOf(input), version: 1, createdAt: now, updatedAt: now });
          summary.created++;
          return;
        }
        if (sameBookInput(input, current)) {
          summary.unchanged++;
        } else {
          this.replace(current, row.doc, bookInputOf(input), now);
          summary.updated++;
        }
      });
      return summary;
    });
  }

  /** The stored book and its document, checked for existence and the caller's expected version. */
  private current(id: string, expectedVersion: number | undefined): { book: Book; doc: string } {
    const row = this.byId.get(id);
    if (!row) throw new NotFoundError('book', id);
    const book = bookFromDoc(row.doc);
    if (expectedVersion !== undefined && expectedVersion !== book.version) throw new PreconditionFailedError('book', id, book.version);
    return { book, doc: row.doc };
  }

  private assertIsbnFree(isbn: string, ownId: string | null): void {
    const holder = this.byIsbn.get(isbn);
    if (holder && holder.id !== ownId) throw new ConflictError('isbn-taken', `another book already has ISBN ${isbn}`, 'isbn');
  }

  private insert(book: Book): void {
    const doc = JSON.stringify(book);
    this.insertRow.run(book.isbn, titleSortKey(book.title), book.category, doc, book.id);
    this.outbox.append({ entity: 'book', key: book.id, op: 'insert', newImage: book, oldImage: null }, { newImage: doc });
  }

  private replace(current: Book, currentDoc: string, input: BookInput, now: string): Book {
    const book = nextBookVersion(current, input, now);
    const doc = JSON.stringify(book);
    this.updateRow.run(book.isbn, titleSortKey(book.title), book.category, doc, book.id);
    this.outbox.append({ entity: 'book', key: book.id, op: 'modify', newImage: book, oldImage: current }, { newImage: doc, oldImage: currentDoc });
    return book;
  }
}
