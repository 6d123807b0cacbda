import type { Book } from './book.js';
import type { Cart } from './cart.js';
import { ConflictError, ValidationError, type FieldIssue } from './errors.js';
import type { MinorUnits } from './money.js';
import { cleanText, TEXT } from './text.js';
import type { OrderStatus, PaymentRecord, StatusChange } from './order-status.js';
import { US_STATE_CODES, US_ZIP_PATTERN } from './us-states.js';

export type { OrderStatus, PaymentRecord, StatusChange } from './order-status.js';

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
  /** US addresses only: the USPS code of the state (or DC), which US mail needs. */
  state?: string;
  country: string;
}

/** The text rules of a shipping address (src/domain/text.ts); the country is an ISO 3166-1 alpha-2 code. */
export const ADDRESS_TEXT = {
  name: TEXT.line(100),
  line1: TEXT.line(200),
  line2: TEXT.optionalLine(200),
  city: TEXT.line(100),
  postalCode: TEXT.line(20),
} as const;

export const COUNTRY_PATTERN = /^[A-Z]{2}$/;

/** Checks and normalizes a shipping address; throws one ValidationError naming every wrong field. */
export function validateShippingAddress(address: ShippingAddress): ShippingAddress {
  const issues: FieldIssue[] = [];
  const at = (field: keyof typeof ADDRESS_TEXT) => cleanText(address[field], `shippingAddress/${field}`, ADDRESS_TEXT[field], issues) ?? '';
  const clean: ShippingAddress = { name: at('name'), line1: at('line1'), city: at('city'), postalCode: at('postalCode'), country: address.country };
  if (address.line2 !== undefined) clean.line2 = at('line2');
  if (!COUNTRY_PATTERN.test(address.country)) issues.push({ field: 'shippingAddress/country', detail: 'must be an ISO 3166-1 alpha-2 code such as DE' });
  if (address.country === 'US') {
    // US mail is sorted by state and ZIP: an address without them, or with a made-up one, goes astray.
    if (address.state === undefined) issues.push({ field: 'shippingAddress/state', detail: 'is required for a US address' });
    else if (!US_STATE_CODES.includes(address.state)) issues.push({ field: 'shippingAddress/state', detail: 'must be the USPS code of a US state or DC, such as NY' });
    else clean.state = address.state;
    if (clean.postalCode !== '' && !US_ZIP_PATTERN.test(clean.postalCode)) issues.push({ field: 'shippingAddress/postalCode', detail: 'must be a US ZIP code: 5 digits, or ZIP+4 such as 94103-1234' });
  } else if (address.state !== undefined) {
    issues.push({ field: 'shippingAddress/state', detail: 'is taken for US addresses only' });
  }
  if (issues.length > 0) throw new ValidationError(issues);
  return clean;
}

export interface Order {
  id: string;
  userId: string;
  lines: OrderLine[];
  itemCount: number;
  total: MinorUnits;
  currency: string;
  status: OrderStatus;
  /** Every status the order has had, oldest first; the last entry is `status`. */
  statusHistory: StatusChange[];
  /** The charge that paid the order; null when it was placed unpaid (paid later, or never). */
  payment: PaymentRecord | null;
  shippingAddress: ShippingAddress | null;
  idempotencyKey: string;
  createdAt: string;
}

/**
 * An order stored before statuses moved has no history nor payment: it reads as placed by its
 * customer at its creation time.
 */
export function withLifecycle(order: Omit<Order, 'statusHistory' | 'payment'> & Partial<Pick<Order, 'statusHistory' | 'payment'>>): Order {
  const { statusHistory, payment, ...rest } = order;
  return {
    ...rest,
    statusHistory: statusHistory ?? [{ status: order.status, at: order.createdAt, by: { role: 'customer', userId: order.userId } }],
    payment: payment ?? null,
  };
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
