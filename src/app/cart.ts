import type { Book } from '../domain/book.js';
import { validateQuantity, type Cart } from '../domain/cart.js';
import { ConflictError, NotFoundError } from '../domain/errors.js';
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
  /** Copies on hand, so the cart can warn before checkout; null when not counted or not available. */
  stock: number | null;
}

export interface CartView {
  lines: CartLineView[];
  /** Copies of the available books. */
  itemCount: number;
  /** The available lines added up, in minor units of `currency`; 0 when `currency` is null. */
  subtotal: MinorUnits;
  /**
   * The one currency of the available lines; null while none can be counted, or when the catalog
   * moved a book in the cart to another currency: a subtotal in one currency would then be false.
   */
  currency: string | null;
}

/**
 * A cart holds books of one currency, as a shop's basket does: adding a book in another currency is
 * refused (409 mixed-currency), and checkout refuses a cart the catalog has made mixed since.
 */
export function mixedCurrency(currency: string, other: string): ConflictError {
  return new ConflictError('mixed-currency', `the cart holds books priced in ${other}; this book is priced in ${currency}: check those out first`, 'bookId');
}

/** Prices a stored cart from the current catalog: no subtotal is shown for lines in several currencies. */
export function viewCart(cart: Cart, books: ReadonlyMap<string, Book>): CartView {
  const currencies = new Set<string>();
  let itemCount = 0;
  let subtotal = 0;
  const lines = cart.lines.map((line): CartLineView => {
    const book = books.get(line.bookId);
    if (!book) {
      return { bookId: line.bookId, title: null, authors: [], coverUrl: null, unitPrice: null, quantity: line.quantity, lineTotal: null, currency: null, available: false, stock: null };
    }
    currencies.add(book.currency);
    const lineTotal = book.price * line.quantity;
    itemCount += line.quantity;
    subtotal += lineTotal;
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
      stock: book.stock,
    };
  });
  const currency = currencies.size === 1 ? [...currencies][0]! : null;
  return { lines, itemCount, subtotal: currency === null ? 0 : subtotal, currency };
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
      const book = await catalog.get(bookId);
      if (!book) throw new NotFoundError('book', bookId);
      const cart = await carts.get(userId);
      const others = await catalog.getMany(cart.lines.filter((l) => l.bookId !== bookId).map((l) => l.bookId));
      const other = [...others.values()].find((b) => b.currency !== book.currency);
      if (other) throw mixedCurrency(book.currency, other.currency);
      return view(await carts.setLine(userId, bookId, quantity, now().toISOString()));
    },

    /** Takes a book out of the cart; removing a book that is not there changes nothing. */
    async remove(userId: string, bookId: string): Promise<CartView> {
      return view(await carts.removeLine(userId, bookId, now().toISOString()));
    },
  };
}
