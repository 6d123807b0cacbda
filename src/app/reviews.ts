import type { Book } from '../domain/book.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../domain/errors.js';
import { parseReviewId, validateReviewInput, type Review, type ReviewInput } from '../domain/review.js';
import type { Catalog } from '../ports/catalog.js';
import type { Orders } from '../ports/orders.js';
import type { Page, PageRequest } from '../ports/page.js';
import type { Reviews } from '../ports/reviews.js';
import type { Users } from '../ports/users.js';
import { customerBoughtBook } from './purchases.js';

export interface ReviewDeps {
  reviews: Reviews;
  catalog: Catalog;
  orders: Orders;
  users: Users;
  now: () => Date;
}

export function reviewUseCases({ reviews, catalog, orders, users, now }: ReviewDeps) {
  return {
    /** Creates or replaces the caller's review; only a customer who bought the book may review it. */
    async put(userId: string, bookId: string, input: ReviewInput): Promise<{ review: Review; book: Book; created: boolean }> {
      const clean = validateReviewInput(input);
      if (!(await catalog.get(bookId))) throw new NotFoundError('book', bookId);
      if (!(await customerBoughtBook(orders, userId, bookId))) throw new ForbiddenError('only a customer who bought this book may review it');
      const user = await users.get(userId);
      if (!user) throw new NotFoundError('user', userId);
      return reviews.put({ bookId, userId, reviewerName: user.name, ...clean }, now().toISOString());
    },

    async remove(userId: string, bookId: string): Promise<void> {
      await reviews.delete(bookId, userId);
    },

    /** The caller's own review of the book (hidden or not, null when none) and whether they may write one. */
    async mine(userId: string, bookId: string): Promise<{ review: Review | null; canReview: boolean }> {
      if (!(await catalog.get(bookId))) throw new NotFoundError('book', bookId);
      const [review, canReview] = await Promise.all([reviews.get(bookId, userId), customerBoughtBook(orders, userId, bookId)]);
      return { review, canReview };
    },

    async list(bookId: string, request: PageRequest): Promise<Page<Review>> {
      if (!(await catalog.get(bookId))) throw new NotFoundError('book', bookId);
      return reviews.listVisible(bookId, request);
    },

    /** Admins hide a review: it leaves the listings and the book's rating; hiding twice changes nothing. */
    async hide(reviewId: string): Promise<Review> {
      const key = parseReviewId(reviewId);
      if (!key) throw new ValidationError({ field: 'reviewId', detail: 'is not a review id' });
      return reviews.hide(key.bookId, key.userId, now().toISOString());
    },
  };
}
