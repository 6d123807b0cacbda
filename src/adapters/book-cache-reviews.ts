import type { Book } from '../domain/book.js';
import type { BookCache } from '../ports/book-cache.js';
import type { Reviews, ReviewWrite, ReviewWriteResult } from '../ports/reviews.js';
import type { Page, PageRequest } from '../ports/page.js';
import type { Review } from '../domain/review.js';

/**
 * Reviews that keep the shared book cache in step: a review moves its book's rating, so after each
 * commit the book as it now is (read back from the system of record when the write did not return
 * it) is written to the cache, as ReadThroughCatalog does for catalog writes; the change feed
 * updates it again. A cache failure is reported and ignored: the system of record has the truth.
 */
export class BookCacheReviews implements Reviews {
  constructor(
    private readonly inner: Reviews,
    private readonly cache: BookCache,
    /** A strongly consistent read of the book from the system of record. */
    private readonly readBook: (id: string) => Promise<Book | null>,
    private readonly onCacheError: (error: unknown, operation: string) => void = () => undefined,
  ) {}

  async put(write: ReviewWrite, now: string): Promise<ReviewWriteResult> {
    const result = await this.inner.put(write, now);
    await this.cached('put', () => this.cache.put([result.book]));
    return result;
  }

  async delete(bookId: string, userId: string): Promise<void> {
    await this.inner.delete(bookId, userId);
    await this.cached('put', () => this.refresh(bookId));
  }

  async hide(bookId: string, userId: string, now: string): Promise<Review> {
    const review = await this.inner.hide(bookId, userId, now);
    await this.cached('put', () => this.refresh(bookId));
    return review;
  }

  get(bookId: string, userId: string): Promise<Review | null> {
    return this.inner.get(bookId, userId);
  }

  listVisible(bookId: string, request: PageRequest): Promise<Page<Review>> {
    return this.inner.listVisible(bookId, request);
  }

  listByUser(userId: string): Promise<Review[]> {
    return this.inner.listByUser(userId);
  }

  private async refresh(bookId: string): Promise<void> {
    const book = await this.readBook(bookId);
    if (book) await this.cache.put([book]);
  }

  private async cached(operation: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.onCacheError(error, operation);
    }
  }
}
