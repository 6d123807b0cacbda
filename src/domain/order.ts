import type { Book } from './book.js';
import type { Cart } from './cart.js';
import { ConflictError } from './errors.js';
import type { MinorUnits } from './money.js';

/** A line frozen at checkout: price, title and category are copies, so later catalog edits never change an order. */
export interface OrderLine {
  bookId: string;
  isbn: string;
  title: string;
  category: string;
  unitPrice: MinorUnits;
  quantity: number;
  lineTotal: MinorUnits;
}

export interface ShippingAddress {
  name: string;
  line1: string;
  line2?: string;
  city: string;
  postalCode: string;
  country: string;
}

export interface Order {
  id: string;
  userId: string;
  lines: OrderLine[];
  itemCount: number;
  total: MinorUnits;
  currency: string;
  status: 'placed';
  shippingAddress: ShippingAddress | null;
  idempotencyKey: string;
  createdAt: string;
}

export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9_\-:.]{8,128}$/;

/** The cart moved on between pricing and placing: the customer should see what it holds now. */
export function cartChanged(): ConflictError {
  return new ConflictError('cart-changed', 'the cart changed since it was priced; review it and check out again');
}

/** A book changed (or left the catalog) between pricing and placing. */
export function pricesChanged(): ConflictError {
  return new ConflictError('prices-changed', 'a book in the cart changed while it was being checked out; review the cart and check out again');
}

/**
 * Prices a cart from the catalog. The browser sends no price: every amount here comes from `books`.
 * Fails when the cart is empty, a book has left the catalog, or the cart mixes currencies.
 */
export function priceCart(cart: Cart, books: ReadonlyMap<string, Book>): { lines: OrderLine[]; total: MinorUnits; currency: string; itemCount: number } {
  if (cart.lines.length === 0) throw new ConflictError('cart-empty', 'the cart is empty');
  const lines: OrderLine[] = [];
  let currency: string | undefined;
  for (const l of cart.lines) {
    const book = books.get(l.bookId);
    if (!book) throw new ConflictError('book-unavailable', `book ${l.bookId} is no longer sold; remove it from the cart`, 'bookId');
    if (currency !== undefined && book.currency !== currency) {
      throw new ConflictError('mixed-currency', 'the cart mixes currencies; check out books of one currency at a time');
    }
    currency = book.currency;
    lines.push({
      bookId: book.id,
      isbn: book.isbn,
      title: book.title,
      category: book.category,
      unitPrice: book.price,
      quantity: l.quantity,
      lineTotal: book.price * l.quantity,
    });
  }
  return {
    lines,
    currency: currency!,
    total: lines.reduce((s, l) => s + l.lineTotal, 0),
    itemCount: lines.reduce((s, l) => s + l.quantity, 0),
  };
}
