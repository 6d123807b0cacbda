import { ConflictError, ValidationError } from './errors.js';

/**
 * At most 90 different books: a checkout on DynamoDB is one transaction of at most 100 actions, three
 * for the order itself and one for each book's price.
 */
export const CART_LIMITS = { quantityMax: 99, linesMax: 90 } as const;

export interface CartLine {
  bookId: string;
  quantity: number;
  addedAt: string;
}

/** A customer's cart as stored: quantities only. Prices are looked up from the catalog when shown or ordered. */
export interface Cart {
  userId: string;
  lines: CartLine[];
  /** Bumped on every change; a checkout only empties the cart it priced. */
  version: number;
  updatedAt: string;
}

export function emptyCart(userId: string): Cart {
  return { userId, lines: [], version: 0, updatedAt: new Date(0).toISOString() };
}

export function validateQuantity(quantity: unknown): number {
  if (typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity < 1 || quantity > CART_LIMITS.quantityMax) {
    throw new ValidationError({ field: 'quantity', detail: `must be an integer from 1 to ${CART_LIMITS.quantityMax}` });
  }
  return quantity;
}

/**
 * Lines in the order they were first added, ties by book id, with only a line's own fields: how every
 * Carts adapter stores and returns them, so carts compare by their JSON.
 */
export function inAddedOrder(lines: readonly CartLine[]): CartLine[] {
  return lines
    .map((l) => ({ bookId: l.bookId, quantity: l.quantity, addedAt: l.addedAt }))
    .sort((a, b) => (a.addedAt === b.addedAt ? (a.bookId < b.bookId ? -1 : a.bookId > b.bookId ? 1 : 0) : a.addedAt < b.addedAt ? -1 : 1));
}

export function sameLines(a: readonly CartLine[], b: readonly CartLine[]): boolean {
  return JSON.stringify(inAddedOrder(a)) === JSON.stringify(inAddedOrder(b));
}

/** Returns the cart's lines with `bookId` set to `quantity`, keeping the order lines were first added in. */
export function withQuantity(cart: Cart, bookId: string, quantity: number, now: string): CartLine[] {
  validateQuantity(quantity);
  const existing = cart.lines.find((l) => l.bookId === bookId);
  if (existing) return cart.lines.map((l) => (l.bookId === bookId ? { ...l, quantity } : l));
  if (cart.lines.length >= CART_LIMITS.linesMax) {
    throw new ConflictError('cart-full', `a cart holds at most ${CART_LIMITS.linesMax} different books`, 'bookId');
  }
  return [...cart.lines, { bookId, quantity, addedAt: now }];
}
