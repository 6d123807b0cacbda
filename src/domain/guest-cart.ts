import { createHash, randomBytes } from 'node:crypto';
import { CART_LIMITS, type CartLine } from './cart.js';

/**
 * A visitor's cart before they have an account. The visitor holds a token the server issued (256
 * random bits); the store keeps only its SHA-256 (`GuestCart.id`), so a copy of the table, a backup
 * or a log line never lets anyone open a guest's cart. The lines obey the account cart's limits.
 */
export interface GuestCart {
  /** base64url SHA-256 of the visitor's token. */
  id: string;
  lines: CartLine[];
  /** Bumped on every change. */
  version: number;
  updatedAt: string;
  /** Inactivity expiry: every change moves it to `updatedAt` + the configured time to live. */
  expiresAt: string;
}

/** 32 random bytes in base64url: 43 characters of A–Z a–z 0–9 - _. */
export const GUEST_TOKEN_PATTERN = '^[A-Za-z0-9_-]{43}$';
const TOKEN = new RegExp(GUEST_TOKEN_PATTERN);

export function newGuestToken(): string {
  return randomBytes(32).toString('base64url');
}

export function isGuestToken(value: string): boolean {
  return TOKEN.test(value);
}

/** The stored id of a token's cart: a digest, so the token itself is never stored. */
export function guestCartId(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

export function expiresAfter(at: string, ttlSeconds: number): string {
  return new Date(Date.parse(at) + ttlSeconds * 1000).toISOString();
}

export function isExpired(cart: Pick<GuestCart, 'expiresAt'>, now: string): boolean {
  return cart.expiresAt <= now;
}

/**
 * The account's lines with a guest cart's lines added: a book in both gets the two quantities added,
 * capped at CART_LIMITS.quantityMax; a book only in the guest cart is appended (keeping when it was
 * added) while the cart has room for another line. `accepts` says whether a new book may join (the
 * use case refuses books that left the catalog or are in another currency). Returns the merged lines
 * and the guest lines that could not join.
 */
export function mergeLines(
  account: readonly CartLine[],
  guest: readonly CartLine[],
  accepts: (bookId: string) => boolean,
): { lines: CartLine[]; left: CartLine[] } {
  const lines = account.map((l) => ({ ...l }));
  const left: CartLine[] = [];
  for (const g of guest) {
    const existing = lines.find((l) => l.bookId === g.bookId);
    if (existing) {
      existing.quantity = Math.min(existing.quantity + g.quantity, CART_LIMITS.quantityMax);
    } else if (lines.length < CART_LIMITS.linesMax && accepts(g.bookId)) {
      lines.push({ bookId: g.bookId, quantity: Math.min(g.quantity, CART_LIMITS.quantityMax), addedAt: g.addedAt });
    } else {
      left.push(g);
    }
  }
  return { lines, left };
}
