import { ValidationError, type FieldIssue } from './errors.js';
import { isCurrencyCode, MAX_PRICE_MINOR, type MinorUnits } from './money.js';
import { normalizeIsbn } from './isbn.js';
import { cleanText, TEXT } from './text.js';
import type { ReviewTotals } from './review.js';

/** A book as the system of record keeps it. `version` drives ETags and derived-store ordering. */
export interface Book {
  id: string;
  isbn: string;
  title: string;
  authors: string[];
  category: string;
  description: string;
  price: MinorUnits;
  currency: string;
  coverUrl: string | null;
  rating: number;
  year: number;
  /**
   * Copies on hand, or null when the shop does not count this book's stock: it then sells without
   * limit, as every book did before stock existed (so a book stored then reads as null and keeps
   * selling until an admin sets a number, like Shopify's "track quantity" left off).
   */
  stock: number | null;
  /**
   * Totals of the book's visible reviews (src/domain/review.ts), absent until its first review; while
   * it has reviews, `rating` is their average.
   */
  reviewTotals?: ReviewTotals;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/**
 * What a catalog manager supplies: everything but identity and bookkeeping (review totals follow
 * the reviews). An absent `stock` leaves a stored book's stock as it is (an import file without a
 * stock column), and a new book uncounted.
 */
export type BookInput = Omit<Book, 'id' | 'version' | 'createdAt' | 'updatedAt' | 'stock' | 'reviewTotals'> & { stock?: number | null };

export const BOOK_LIMITS = {
  titleMax: 300,
  authorsMax: 20,
  authorMax: 200,
  categoryMax: 64,
  descriptionMax: 10_000,
  coverUrlMax: 2048,
  yearMin: -3000,
  yearMax: 2100,
  /** Far above any shelf, and an exact integer on every engine. */
  stockMax: 1_000_000_000,
} as const;

/** The text rules of each free-text field of a book (src/domain/text.ts). */
export const BOOK_TEXT = {
  title: TEXT.line(BOOK_LIMITS.titleMax),
  author: TEXT.line(BOOK_LIMITS.authorMax),
  category: TEXT.line(BOOK_LIMITS.categoryMax),
  description: TEXT.paragraph(BOOK_LIMITS.descriptionMax),
} as const;

/**
 * Checks and normalizes a full or partial book input. Partial inputs (PATCH) only check the
 * fields present. Throws one ValidationError listing every wrong field.
 */
export function validateBookInput(input: BookInput): BookInput;
export function validateBookInput(input: Partial<BookInput>, partial: true): Partial<BookInput>;
export function validateBookInput(input: Partial<BookInput>, partial = false): Partial<BookInput> {
  const issues: FieldIssue[] = [];
  const out: Partial<BookInput> = {};
  const need = <K extends keyof BookInput>(k: K) => {
    if (input[k] === undefined) {
      if (!partial) issues.push({ field: k, detail: 'is required' });
      return false;
    }
    return true;
  };

  if (need('isbn')) {
    try {
      out.isbn = normalizeIsbn(String(input.isbn));
    } catch (e) {
      if (e instanceof ValidationError) issues.push(...e.issues);
      else throw e;
    }
  }
  if (need('title')) {
    const t = cleanText(input.title, 'title', BOOK_TEXT.title, issues);
    if (t !== null) out.title = t;
  }
  if (need('authors')) {
    const a = input.authors;
    if (!Array.isArray(a) || a.length === 0 || a.length > BOOK_LIMITS.authorsMax) {
      issues.push({ field: 'authors', detail: `must list 1 to ${BOOK_LIMITS.authorsMax} authors` });
    } else {
      out.authors = a.map((name, i) => cleanText(name, `authors/${i}`, BOOK_TEXT.author, issues) ?? '');
    }
  }
  if (need('category')) {
    const c = cleanText(input.category, 'category', BOOK_TEXT.category, issues);
    if (c !== null) out.category = c;
  }
  if (need('description')) {
    const d = cleanText(input.description, 'description', BOOK_TEXT.description, issues);
    if (d !== null) out.description = d;
  }
  if (need('price')) {
    const p = input.price;
    if (typeof p !== 'number' || !Number.isInteger(p) || p < 0 || p > MAX_PRICE_MINOR) {
      issues.push({ field: 'price', detail: `must be an integer number of minor units (cents) from 0 to ${MAX_PRICE_MINOR}` });
    } else out.price = p;
  }
  if (need('currency')) {
    const c = String(input.currency);
    if (!isCurrencyCode(c)) issues.push({ field: 'currency', detail: `"${c}" is not an ISO 4217 currency code such as USD` });
    else out.currency = c;
  }
  if (input.coverUrl !== undefined) {
    const u = input.coverUrl;
    if (u === null || u === '') out.coverUrl = null;
    else if (!isHttpUrl(String(u)) || String(u).length > BOOK_LIMITS.coverUrlMax) {
      issues.push({ field: 'coverUrl', detail: 'must be an http(s) URL or null' });
    } else out.coverUrl = String(u);
  } else if (!partial) out.coverUrl = null;
  if (need('rating')) {
    const r = input.rating;
    if (typeof r !== 'number' || !Number.isFinite(r) || r < 0 || r > 5) issues.push({ field: 'rating', detail: 'must be a number from 0 to 5' });
    else out.rating = Math.round(r * 10) / 10;
  }
  if (need('year')) {
    const y = input.year;
    if (typeof y !== 'number' || !Number.isInteger(y) || y < BOOK_LIMITS.yearMin || y > BOOK_LIMITS.yearMax) {
      issues.push({ field: 'year', detail: `must be an integer from ${BOOK_LIMITS.yearMin} to ${BOOK_LIMITS.yearMax}` });
    } else out.year = y;
  }
  if (input.stock !== undefined) {
    const s = input.stock;
    if (s === null) out.stock = null;
    else if (typeof s !== 'number' || !Number.isInteger(s) || s < 0 || s > BOOK_LIMITS.stockMax) {
      issues.push({ field: 'stock', detail: `must be a whole number of copies from 0 to ${BOOK_LIMITS.stockMax}, or null to stop counting` });
    } else out.stock = s;
  }
  if (issues.length > 0) throw new ValidationError(issues);
  return out;
}

function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

/** Only the catalog fields of `input`, in a fixed order, so stray properties never reach storage and two inputs compare by their JSON. */
export function bookInputOf(input: BookInput): BookInput & { stock: number | null } {
  return {
    isbn: input.isbn,
    title: input.title,
    authors: [...input.authors],
    category: input.category,
    description: input.description,
    price: input.price,
    currency: input.currency,
    coverUrl: input.coverUrl,
    rating: input.rating,
    year: input.year,
    stock: input.stock ?? null,
  };
}

/** An imported row over the stored book of its ISBN: a row without a stock keeps the stored stock. */
export function importedInput(input: BookInput, current: Book | undefined): BookInput {
  return input.stock === undefined && current ? { ...input, stock: current.stock } : input;
}

/** A stored document from before stock existed has no `stock`: it reads as uncounted. */
export function stockOf(stored: { stock?: number | null | undefined }): number | null {
  return typeof stored.stock === 'number' ? stored.stock : null;
}

/** Whether writing `b` over `a` would change the book (so an identical import writes nothing). */
export function sameBookInput(a: BookInput, b: BookInput): boolean {
  return JSON.stringify(bookInputOf(a)) === JSON.stringify(bookInputOf(b));
}

/**
 * Listings order books by this key, then id: the title folded to lower case by JavaScript (not an
 * engine's ASCII-only lower()), so every adapter pages in the same order.
 */
export function titleSortKey(title: string): string {
  return title.toLowerCase();
}

/** The strong ETag of a book version, as sent in `ETag` and expected in `If-Match`. */
export function bookEtag(book: Pick<Book, 'id' | 'version'>): string {
  return `"${book.id}.v${book.version}"`;
}

/**
 * Reads the version out of one strong ETag of this book; null when it names another book, is
 * malformed, or is weak: RFC 9110 §13.1.1 compares If-Match strongly, so `W/"…"` never matches.
 */
export function versionFromEtag(bookId: string, etag: string): number | null {
  const m = /^"([^"]+)\.v(\d{1,15})"$/.exec(etag.trim());
  if (!m || m[1] !== bookId) return null;
  return Number(m[2]);
}

const ENTITY_TAG_LIST = /^\s*(?:W\/)?"[^"]*"\s*(?:,\s*(?:W\/)?"[^"]*"\s*)*$/;

/**
 * What an If-Match value asks for this book (RFC 9110 §13.1.1): `any` for `*`, otherwise the versions
 * its strong ETags of this book name, from a single tag or a list such as `"x", "<id>.v3"`. A
 * malformed value names no version, so it can never match.
 */
export function versionsFromIfMatch(bookId: string, ifMatch: string): 'any' | number[] {
  if (ifMatch.trim() === '*') return 'any';
  if (!ENTITY_TAG_LIST.test(ifMatch)) return [];
  const versions = (ifMatch.match(/(?:W\/)?"[^"]*"/g) ?? []).map((tag) => versionFromEtag(bookId, tag));
  return [...new Set(versions.filter((v): v is number => v !== null))];
}

/**
 * The next version of `current` with the catalog fields of `input`. Review totals stay with the book:
 * while it has reviews its rating stays their average, and a rating the catalog sets becomes the
 * seeded rating it returns to when no review is left.
 */
export function nextBookVersion(current: Book, input: BookInput, now: string): Book {
  const next: Book = { id: current.id, ...bookInputOf(input), version: current.version + 1, createdAt: current.createdAt, updatedAt: now };
  const totals = current.reviewTotals;
  if (totals) {
    const seededRating = input.rating === current.rating ? totals.seededRating : input.rating;
    next.reviewTotals = { ...totals, seededRating };
    if (totals.count > 0) next.rating = Math.round((totals.stars / totals.count) * 10) / 10;
    else next.rating = seededRating;
  }
  return next;
}
