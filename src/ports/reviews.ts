import type { Book } from '../domain/book.js';
import type { Review } from '../domain/review.js';
import type { Page, PageRequest } from './page.js';

/** What a customer's write of their review carries: the rest (id, moderation, times) is the store's. */
export type ReviewWrite = Pick<Review, 'bookId' | 'userId' | 'reviewerName' | 'rating' | 'title' | 'body'>;

export interface ReviewWriteResult {
  review: Review;
  /** The book after the change: its rating and review totals moved with the review. */
  book: Book;
  created: boolean;
}

/**
 * Reviews in the system of record. Every write changes the review and its book's rating totals in
 * one transaction and records a `review` (and, when the rating moved, a `book`) change event.
 */
export interface Reviews {
  /** Creates or replaces the customer's review of the book. NotFoundError when the book is gone. */
  put(write: ReviewWrite, now: string): Promise<ReviewWriteResult>;
  /** Removes the customer's review; NotFoundError when there is none. */
  delete(bookId: string, userId: string): Promise<void>;
  /** Hides a review from listings and from its book's rating (idempotent); NotFoundError when there is none. */
  hide(bookId: string, userId: string, now: string): Promise<Review>;
  get(bookId: string, userId: string): Promise<Review | null>;
  /** A book's visible reviews, newest first (by last change, then reviewer id). */
  listVisible(bookId: string, request: PageRequest): Promise<Page<Review>>;
  /** Every review the customer wrote, hidden ones included, by book id (for deleting an account). */
  listByUser(userId: string): Promise<Review[]>;
}
