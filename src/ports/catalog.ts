import type { Book, BookInput } from '../domain/book.js';
import type { Page, PageRequest } from './page.js';

export interface CategoryCount {
  name: string;
  count: number;
}

export interface ReadOptions {
  fresh?: boolean;
}

export interface UpsertSummary {
  created: number;
  updated: number;
  unchanged: number;
}

/** The books of the system of record. Every write also records a `book` change event atomically. */
export interface Catalog {
  /** Adds a book with a new id; ConflictError `isbn-taken` when another book has the ISBN. */
  create(input: BookInput): Promise<Book>;
  get(id: string): Promise<Book | null>;
  /**
   * The books that exist among `ids`; missing ids are simply absent from the map. `fresh` reads the
   * system of record itself, never a cache in front of it: for prices that an order will charge.
   */
  getMany(ids: readonly string[], options?: ReadOptions): Promise<Map<string, Book>>;
  /**
   * The copies on hand of the books that exist among `ids` (null: the shop does not count the book's
   * stock); missing ids are absent from the map. Reads the system of record, never a cache: stock
   * changes with every sale. Only the stock field, so a search page need not read whole books for it.
   */
  stockOf(ids: readonly string[]): Promise<Map<string, number | null>>;
  findByIsbn(isbn: string): Promise<Book | null>;
  /** Books ordered by case-folded title then id, optionally of one category; InvalidCursor → ValidationError on `cursor`. */
  list(request: PageRequest & { category?: string | undefined }): Promise<Page<Book>>;
  /** Every category with its number of books, by name. */
  categories(): Promise<CategoryCount[]>;
  /**
   * Changes the given fields. With `expectedVersion`, fails with PreconditionFailedError unless the
   * stored version matches. NotFoundError when the book does not exist. A change that alters nothing
   * keeps the version and writes no event.
   */
  update(id: string, patch: Partial<BookInput>, expectedVersion?: number): Promise<Book>;
  /** Removes a book; same version and existence rules as `update`. */
  delete(id: string, expectedVersion?: number): Promise<void>;
  /**
   * Creates or updates books by ISBN (bulk import). Rows equal to the stored book change nothing and
   * write no event, so importing a file twice is a no-op.
   */
  upsertByIsbn(inputs: readonly BookInput[]): Promise<UpsertSummary>;
}
