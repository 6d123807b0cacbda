import { bookWithReviewChange, nextReview, reviewIdOf, type Review } from '../../domain/review.js';
import type { Book } from '../../domain/book.js';
import { NotFoundError } from '../../domain/errors.js';
import type { Page, PageRequest } from '../../ports/page.js';
import type { Reviews, ReviewWrite, ReviewWriteResult } from '../../ports/reviews.js';
import { bookFromDoc } from './sqlite-catalog.js';
import type { SqliteDatabase, SqliteStatement } from './sqlite-database.js';
import type { Outbox } from './sqlite-outbox.js';
import { decodeCursor, encodeCursor } from '../page-cursor.js';

interface ReviewRow {
  user_id: string;
  updated_at: string;
  doc: string;
}

export function reviewFromDoc(doc: string): Review {
  return JSON.parse(doc) as Review;
}

/** Sorts after every ISO time and id, so the first page of a newest-first listing starts at the top. */
const AFTER_EVERYTHING = '~';

/**
 * Reviews in the system of record, one row per (book, customer). Each write changes the review and
 * its book's rating totals in one IMMEDIATE transaction, with their change events.
 */
export class SqliteReviews implements Reviews {
  private readonly byKey: SqliteStatement<[string, string], ReviewRow>;
  private readonly upsertRow: SqliteStatement<[string, string, string, number, string]>;
  private readonly deleteRow: SqliteStatement<[string, string]>;
  private readonly bookDoc: SqliteStatement<[string], { doc: string }>;
  private readonly updateBookDoc: SqliteStatement<[string, string]>;
  private readonly pageVisible: SqliteStatement<[string, string, string, number], ReviewRow>;
  private readonly byUser: SqliteStatement<[string], ReviewRow>;

  constructor(
    db: SqliteDatabase,
    private readonly outbox: Outbox,
  ) {
    this.byKey = db.prepare('SELECT user_id, updated_at, doc FROM reviews WHERE book_id = ? AND user_id = ?');
    this.upsertRow = db.prepare(
      `INSERT INTO reviews (book_id, user_id, updated_at, hidden, doc) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (book_id, user_id) DO UPDATE SET updated_at = excluded.updated_at, hidden = excluded.hidden, doc = excluded.doc`,
    );
    this.deleteRow = db.prepare('DELETE FROM reviews WHERE book_id = ? AND user_id = ?');
    this.bookDoc = db.prepare('SELECT doc FROM books WHERE id = ?');
    this.updateBookDoc = db.prepare('UPDATE books SET doc = ? WHERE id = ?');
    this.byUser = db.prepare('SELECT user_id, updated_at, doc FROM reviews WHERE user_id = ? ORDER BY book_id');
    this.pageVisible = db.prepare(
      `SELECT user_id, updated_at, doc FROM reviews
       WHERE book_id = ? AND hidden = 0 AND (updated_at, user_id) < (?, ?)
       ORDER BY updated_at DESC, user_id DESC LIMIT ?`,
    );
  }

  async put(write: ReviewWrite, now: string): Promise<ReviewWriteResult> {
    return this.outbox.write(() => {
      const before = this.read(write.bookId, write.userId);
      const review = nextReview(write, before, now);
      const book = this.moveRating(write.bookId, before, review, now);
      if (!book) throw new NotFoundError('book', write.bookId);
      this.store(review);
      this.outbox.append({ entity: 'review', key: review.id, op: before ? 'modify' : 'insert', newImage: review, oldImage: before });
      return { review, book, created: before === null };
    });
  }

  async delete(bookId: string, userId: string): Promise<void> {
    await this.outbox.write(() => {
      const before = this.read(bookId, userId);
      if (!before) throw new NotFoundError('review', reviewIdOf(bookId, userId));
      this.moveRating(bookId, before, null, new Date().toISOString());
      this.deleteRow.run(bookId, userId);
      this.outbox.append({ entity: 'review', key: before.id, op: 'remove', newImage: null, oldImage: before });
    });
  }

  async hide(bookId: string, userId: string, now: string): Promise<Review> {
    return this.outbox.write(() => {
      const before = this.read(bookId, userId);
      if (!before) throw new NotFoundError('review', reviewIdOf(bookId, userId));
      if (before.hidden) return before;
      const review: Review = { ...before, hidden: true, version: before.version + 1 };
      this.moveRating(bookId, before, review, now);
      this.store(review);
      this.outbox.append({ entity: 'review', key: review.id, op: 'modify', newImage: review, oldImage: before });
      return review;
    });
  }

  async get(bookId: string, userId: string): Promise<Review | null> {
    return this.read(bookId, userId);
  }

  async listVisible(bookId: string, request: PageRequest): Promise<Page<Review>> {
    const [beforeTime, beforeUser] =
      request.cursor === undefined ? [AFTER_EVERYTHING, AFTER_EVERYTHING] : (decodeCursor(request.cursor, 2) as [string, string]);
    const rows = this.pageVisible.all(bookId, beforeTime, beforeUser, request.limit + 1);
    const pageRows = rows.slice(0, request.limit);
    const last = pageRows.at(-1);
    return {
      items: pageRows.map((r) => reviewFromDoc(r.doc)),
      nextCursor: rows.length > request.limit && last ? encodeCursor([last.updated_at, last.user_id]) : null,
    };
  }

  async listByUser(userId: string): Promise<Review[]> {
    return this.byUser.all(userId).map((r) => reviewFromDoc(r.doc));
  }

  private read(bookId: string, userId: string): Review | null {
    const row = this.byKey.get(bookId, userId);
    return row ? reviewFromDoc(row.doc) : null;
  }

  private store(review: Review): void {
    this.upsertRow.run(review.bookId, review.userId, review.updatedAt, review.hidden ? 1 : 0, JSON.stringify(review));
  }

  /** Moves the book's rating totals from `before` to `after`, in the caller's transaction; returns the book as it now is. */
  private moveRating(bookId: string, before: Review | null, after: Review | null, now: string): Book | null {
    const row = this.bookDoc.get(bookId);
    // A review can outlive its book (books are deleted, reviews kept): removing or hiding it changes no rating.
    if (!row) return null;
    const current = bookFromDoc(row.doc);
    const next = bookWithReviewChange(current, before, after, now);
    if (!next) return current;
    const doc = JSON.stringify(next);
    this.updateBookDoc.run(doc, bookId);
    this.outbox.append({ entity: 'book', key: bookId, op: 'modify', newImage: next, oldImage: current }, { newImage: doc, oldImage: row.doc });
    return next;
  }
}

/** The reviews table, appended to the system of record's schema steps. */
export const REVIEWS_SCHEMA = `
  CREATE TABLE reviews (
    book_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    hidden INTEGER NOT NULL,
    doc TEXT NOT NULL,
    PRIMARY KEY (book_id, user_id)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX reviews_visible_newest ON reviews (book_id, hidden, updated_at DESC, user_id DESC);
  CREATE INDEX reviews_by_user ON reviews (user_id, book_id);
`;
