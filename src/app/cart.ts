import type { Book } from '../domain/book.js';
import { validateQuantity, type Cart } from '../domain/cart.js';
import { NotFoundError } from '../domain/errors.js';
import type { MinorUnits } from '../domain/money.js';
import type { Carts } from '../ports/carts.js';
import type { Catalog } from '../ports/catalog.js';

export interface CartDeps {
  carts: Carts;
  catalog: Catalog;
  now(): Date;
}

export interface CartLineView {
  bookId: string;
  title: string | null;
  authors: string[];
  coverUrl: string | null;
  unitPrice: MinorUnits | null;
  quantity: number;
  lineTotal: MinorUnits | null;
  currency: string | null;
  /** False when the book has left the catalog: the line is shown but not counted or sold. */
  available: boolean;
}

export interface CartView {
  lines: CartLineView[];
  itemCount: number;
  subtotal: MinorUnits;
  /** The currency of the counted lines; null while no line can be counted. */
  currency: string | null;
}

/**
 * Prices a stored cart from the current catalog. Lines in another currency than the first
 * available line are shown but not added up: checkout refuses mixed currencies anyway.
 */
function viewCart(cart: Cart, books: ReadonlyMap<string, Book>): CartView {
  let currency: string | null = null;
  let itemCount = 0;
  let subtotal = 0;
  const lines = cart.lines.map((line): CartLineView => {
    const book = books.get(line.bookId);
    if (!book) {
      return { bookId: line.bookId, title: null, authors: [], coverUrl: null, unitPrice: null, quantity: line.quantity, lineTotal: null, currency: null, available: false };
    }
    currency ??= book.currency;
    const lineTotal = book.price * line.quantity;
    if (book.currency === currency) {
      itemCount += line.quantity;
      subtotal += lineTotal;
    }
    return {
      bookId: book.id,
      title: book.title,
      authors: book.authors,
      coverUrl: book.coverUrl,
      unitPrice: book.price,
      quantity: line.quantity,
      lineTotal,
      currency: book.currency,
      available: true,
    };
  });
  return { lines, itemCount, subtotal, currency };
}

export function cartUseCases({ carts, catalog, now }: CartDeps) {
  async function view(cart: Cart): Promise<CartView> {
    return viewCart(cart, await catalog.getMany(cart.lines.map((l) => l.bookId)));
  }

  return {
    async get(userId: string): Promise<CartView> {
      return view(await carts.get(userId));
    },

    /** Puts `quantity` copies of a book in the cart (adding the line or replacing its quantity). */
    async setQuantity(userId: string, bookId: string, quantity: number): Promise<CartView> {
      validateQuantity(quantity);
      if (!(await catalog.get(bookId))) throw new NotFoundError('book', bookId);
      return view(await carts.setLine(userId, bookId, quantity, now().toISOString()));
    },

    /** Takes a book out of the cart; removing a book that is not there changes nothing. */
    async remove(userId: string, bookId: string): Promise<CartView> {
      return view(await carts.removeLine(userId, bookId, now().toISOString()));
    },
  };
}
