import type { Book } from './book.js';
import { ConflictError } from './errors.js';
import type { OrderLine } from './order.js';

/** A book the order wants more copies of than the shop has. */
export interface Shortage {
  bookId: string;
  title: string;
  requested: number;
  available: number;
}

/** A checkout that cannot be filled: names each short book and what is left of it. */
export class OutOfStockError extends ConflictError {
  constructor(readonly shortages: Shortage[]) {
    super('out-of-stock', `not enough copies: ${shortages.map((s) => `"${s.title}" has ${s.available} left, the order wants ${s.requested}`).join('; ')}`, 'lines');
  }
}

/** Copies the order takes of each book (a book on two lines counts once, summed). */
export function unitsByBook(lines: readonly Pick<OrderLine, 'bookId' | 'quantity'>[]): Map<string, number> {
  const units = new Map<string, number>();
  for (const l of lines) units.set(l.bookId, (units.get(l.bookId) ?? 0) + l.quantity);
  return units;
}

/** The shortages of `lines` against the books as read; a book whose stock is not counted is never short. */
export function shortagesOf(lines: readonly Pick<OrderLine, 'bookId' | 'quantity' | 'title'>[], books: ReadonlyMap<string, Pick<Book, 'stock' | 'title'>>): Shortage[] {
  const shortages: Shortage[] = [];
  for (const [bookId, requested] of unitsByBook(lines)) {
    const book = books.get(bookId);
    if (!book || book.stock === null || book.stock >= requested) continue;
    shortages.push({ bookId, title: book.title, requested, available: book.stock });
  }
  return shortages;
}
