import { ConflictError, ValidationError } from './errors.js';

export const CART_LIMITS = { quantityMax: 99, linesMax: 100 } as const;

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
