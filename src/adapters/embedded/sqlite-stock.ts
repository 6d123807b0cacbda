import type { Book } from '../../domain/book.js';
import { pricesChanged, type Order } from '../../domain/order.js';
import { OutOfStockError, shortagesOf, unitsByBook } from '../../domain/stock.js';
import { bookFromDoc } from './sqlite-catalog.js';
import type { SqliteDatabase, SqliteStatement } from './sqlite-database.js';
import type { Outbox } from './sqlite-outbox.js';

/**
 * The stock of books, moved by orders inside their own transaction (Outbox.write): a change of stock
 * is a change of the book, with a new version and a `book` event, like an admin's edit.
 */
export class BookStockRows {
  private readonly byId: SqliteStatement<[string], { doc: string }>;
  private readonly writeDoc: SqliteStatement<[string, string]>;

  constructor(
    db: SqliteDatabase,
    private readonly outbox: Outbox,
  ) {
    this.byId = db.prepare('SELECT doc FROM books WHERE id = ?');
    this.writeDoc = db.prepare('UPDATE books SET doc = ? WHERE id = ?');
  }

  /**
   * Checks that every book of `order` still sells at its line's price and currency (`prices-changed`
   * otherwise) and holds the copies the order wants (OutOfStockError naming each short book), then
   * takes them from each book whose stock is counted. Call inside Outbox.write.
   */
  take(order: Order): void {
    const books = new Map<string, { book: Book; doc: string }>();
    for (const line of order.lines) {
      const row = this.byId.get(line.bookId);
      if (!row) throw pricesChanged();
      const book = bookFromDoc(row.doc);
      if (book.price !== line.unitPrice || book.currency !== order.currency) throw pricesChanged();
      books.set(book.id, { book, doc: row.doc });
    }
    const shortages = shortagesOf(order.lines, new Map([...books].map(([id, b]) => [id, b.book])));
    if (shortages.length > 0) throw new OutOfStockError(shortages);
    for (const [bookId, units] of unitsByBook(order.lines)) {
      const { book, doc } = books.get(bookId)!;
      if (book.stock !== null) this.write(book, doc, book.stock - units, order.createdAt);
    }
  }

  /** Puts the copies of a cancelled order back on each book that still exists and counts its stock. */
  restock(order: Order, at: string): void {
    for (const [bookId, units] of unitsByBook(order.lines)) {
      const row = this.byId.get(bookId);
      if (!row) continue;
      const book = bookFromDoc(row.doc);
      if (book.stock !== null) this.write(book, row.doc, book.stock + units, at);
    }
  }

  private write(current: Book, currentDoc: string, stock: number, at: string): void {
    const book: Book = { ...current, stock, version: current.version + 1, updatedAt: at };
    const doc = JSON.stringify(book);
    this.writeDoc.run(doc, book.id);
    this.outbox.append({ entity: 'book', key: book.id, op: 'modify', newImage: book, oldImage: current }, { newImage: doc, oldImage: currentDoc });
  }
}
