import type { Book } from './book.js';
import { ValidationError, type FieldIssue } from './errors.js';
import { cleanText, TEXT } from './text.js';

/**
 * One customer's review of one book: at most one per (book, customer), replaced by writing again.
 * Its id is derived from that pair, so a replacement keeps the id an admin may have hidden it by.
 */
export interface Review {
  id: string;
  bookId: string;
  userId: string;
  /** The reviewer's display name when the review was written (so a listing needs no user lookup). */
  reviewerName: string;
  rating: number;
  title: string | null;
  body: string | null;
  /** Hidden by an admin: left out of listings and of the book's rating. Replacing it keeps it hidden. */
  hidden: boolean;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface ReviewInput {
  rating: number;
  title?: string | null | undefined;
  body?: string | null | undefined;
}

export const REVIEW_LIMITS = { ratingMin: 1, ratingMax: 5, titleMax: 120, bodyMax: 5000, pageMax: 50 } as const;

export const REVIEW_TEXT = {
  title: TEXT.optionalLine(REVIEW_LIMITS.titleMax),
  body: TEXT.paragraph(REVIEW_LIMITS.bodyMax),
} as const;

const REVIEW_ID_SEPARATOR = '.';

export function reviewIdOf(bookId: string, userId: string): string {
  return `${bookId}${REVIEW_ID_SEPARATOR}${userId}`;
}

/**
 * The review a customer's write leaves: a new one, or `before` replaced. Moderation and history
 * survive the rewrite (a hidden review stays hidden, so editing cannot undo a hide).
 */
export function nextReview(write: Pick<Review, 'bookId' | 'userId' | 'reviewerName' | 'rating' | 'title' | 'body'>, before: Review | null, now: string): Review {
  return {
    id: reviewIdOf(write.bookId, write.userId),
    bookId: write.bookId,
    userId: write.userId,
    reviewerName: write.reviewerName,
    rating: write.rating,
    title: write.title,
    body: write.body,
    hidden: before?.hidden ?? false,
    createdAt: before?.createdAt ?? now,
    updatedAt: now,
    version: (before?.version ?? 0) + 1,
  };
}

/** The (book, customer) pair a review id names, or null when it is not a review id. */
export function parseReviewId(reviewId: string): { bookId: string; userId: string } | null {
  const parts = reviewId.split(REVIEW_ID_SEPARATOR);
  if (parts.length !== 2 || !parts[0] || !parts[1]) return null;
  return { bookId: parts[0], userId: parts[1] };
}

/** Checks and normalizes a review; blank title or body become null. One ValidationError names every wrong field. */
export function validateReviewInput(input: ReviewInput): { rating: number; title: string | null; body: string | null } {
  const issues: FieldIssue[] = [];
  const r = input.rating;
  if (typeof r !== 'number' || !Number.isInteger(r) || r < REVIEW_LIMITS.ratingMin || r > REVIEW_LIMITS.ratingMax) {
    issues.push({ field: 'rating', detail: `must be a whole number of stars from ${REVIEW_LIMITS.ratingMin} to ${REVIEW_LIMITS.ratingMax}` });
  }
  const optional = (field: 'title' | 'body') => {
    const value = input[field];
    if (value === undefined || value === null) return null;
    const clean = cleanText(value, field, REVIEW_TEXT[field], issues);
    return clean === null || clean === '' ? null : clean;
  };
  const title = optional('title');
  const body = optional('body');
  if (issues.length > 0) throw new ValidationError(issues);
  return { rating: r, title, body };
}

/**
 * The review totals a book keeps beside its rating, in the system of record, changed in the same
 * transaction as the review: `stars` is the sum over visible reviews, `seededRating` the rating the
 * book had before its first review (the catalog's own), which it returns to when none is left.
 */
export interface ReviewTotals {
  count: number;
  stars: number;
  seededRating: number;
}

/** What one review counts for in its book's totals: nothing when hidden or absent. */
function contribution(review: Pick<Review, 'rating' | 'hidden'> | null): { count: number; stars: number } {
  return review && !review.hidden ? { count: 1, stars: review.rating } : { count: 0, stars: 0 };
}

/** One decimal, as the catalog shows ratings. */
export function averageRating(stars: number, count: number): number {
  return Math.round((stars / count) * 10) / 10;
}

/**
 * The book after one of its reviews went from `before` to `after` (either may be null), or null when
 * its rating and count do not change: then the book is not written and keeps its version.
 */
export function bookWithReviewChange(book: Book, before: Pick<Review, 'rating' | 'hidden'> | null, after: Pick<Review, 'rating' | 'hidden'> | null, now: string): Book | null {
  const was = contribution(before);
  const becomes = contribution(after);
  if (was.count === becomes.count && was.stars === becomes.stars) return null;
  const totals: ReviewTotals = book.reviewTotals ?? { count: 0, stars: 0, seededRating: book.rating };
  const next: ReviewTotals = {
    count: totals.count - was.count + becomes.count,
    stars: totals.stars - was.stars + becomes.stars,
    seededRating: totals.seededRating,
  };
  return {
    ...book,
    rating: next.count > 0 ? averageRating(next.stars, next.count) : next.seededRating,
    reviewTotals: next,
    version: book.version + 1,
    updatedAt: now,
  };
}

/** How many visible reviews the book has. */
export function reviewCountOf(book: Pick<Book, 'reviewTotals'>): number {
  return book.reviewTotals?.count ?? 0;
}
