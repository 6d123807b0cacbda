import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Book } from '../../domain/book.js';
import { NotFoundError } from '../../domain/errors.js';
import { bookWithReviewChange, nextReview, reviewIdOf, type Review } from '../../domain/review.js';
import type { Page, PageRequest } from '../../ports/page.js';
import type { Reviews, ReviewWrite, ReviewWriteResult } from '../../ports/reviews.js';
import { bookFromItem, bookItem } from './dynamodb-catalog.js';
import {
  cancellationCodes,
  GSI1,
  GSI2,
  keys,
  lostRace,
  queryPageAhead,
  RETRY,
  withRetries,
  type DocumentClientLike,
  type DynamoSystemOfRecordOptions,
  type Item,
} from './dynamodb-items.js';
import { decodeCursor, encodeCursor } from '../page-cursor.js';

type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

/** A review lives in its book's partition, so the book and its reviews are one partition's items. */
export const reviewKey = (bookId: string, userId: string) => ({ pk: `BOOK#${bookId}`, sk: `REVIEW#${userId}` });
/** GSI1 lists a book's visible reviews newest first; a hidden review has no GSI1 keys (a sparse index). */
const reviewsOfBook = (bookId: string) => `REVIEWS#${bookId}`;
/** GSI2 lists a customer's reviews (hidden ones too), by book: what deleting the account removes. */
const reviewsBy = (userId: string) => `REVIEWS_BY#${userId}`;
const newestKey = (review: Pick<Review, 'updatedAt' | 'userId'>) => `${review.updatedAt}#${review.userId}`;

export function reviewItem(review: Review): Item {
  return {
    ...reviewKey(review.bookId, review.userId),
    type: 'review',
    ...review,
    [`${GSI2}pk`]: reviewsBy(review.userId),
    [`${GSI2}sk`]: review.bookId,
    ...(review.hidden ? {} : { [`${GSI1}pk`]: reviewsOfBook(review.bookId), [`${GSI1}sk`]: newestKey(review) }),
  };
}

export function reviewFromItem(item: Item): Review {
  const r = item as unknown as Review;
  return {
    id: r.id,
    bookId: r.bookId,
    userId: r.userId,
    reviewerName: r.reviewerName,
    rating: Number(r.rating),
    title: r.title ?? null,
    body: r.body ?? null,
    hidden: r.hidden === true,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    version: Number(r.version),
  };
}

/**
 * Reviews on a DynamoDB table (docs/dynamodb.md): each in its book's partition under
 * `REVIEW#<userId>`. A write is one TransactWriteItems of the review and the book item carrying its
 * rating totals, each guarded by the version that was read, so the totals never miss or double-count
 * a review; a lost race reads and tries again.
 */
export class DynamoReviews implements Reviews {
  private readonly client: DocumentClientLike;
  private readonly table: string;

  constructor(options: DynamoSystemOfRecordOptions) {
    this.client = options.client;
    this.table = options.tableName;
  }

  async put(write: ReviewWrite, now: string): Promise<ReviewWriteResult> {
    return withRetries('review write', async () => {
      const [before, book] = await Promise.all([this.get(write.bookId, write.userId), this.book(write.bookId)]);
      if (!book) throw new NotFoundError('book', write.bookId);
      const review = nextReview(write, before, now);
      const next = bookWithReviewChange(book, before, review, now);
      const done = await this.commit([this.putReview(review, before), this.bookAction(book, next)]);
      return done ? { review, book: next ?? book, created: before === null } : RETRY;
    });
  }

  async delete(bookId: string, userId: string): Promise<void> {
    await withRetries('review delete', async () => {
      const [before, book] = await Promise.all([this.get(bookId, userId), this.book(bookId)]);
      if (!before) throw new NotFoundError('review', reviewIdOf(bookId, userId));
      const actions: TransactItem[] = [
        { Delete: { TableName: this.table, Key: reviewKey(bookId, userId), ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': before.version } } },
      ];
      if (book) actions.push(this.bookAction(book, bookWithReviewChange(book, before, null, new Date().toISOString())));
      return (await this.commit(actions)) ? undefined : RETRY;
    });
  }

  async hide(bookId: string, userId: string, now: string): Promise<Review> {
    return withRetries('review hide', async () => {
      const [before, book] = await Promise.all([this.get(bookId, userId), this.book(bookId)]);
      if (!before) throw new NotFoundError('review', reviewIdOf(bookId, userId));
      if (before.hidden) return before;
      const review: Review = { ...before, hidden: true, version: before.version + 1 };
      const actions = [this.putReview(review, before)];
      if (book) actions.push(this.bookAction(book, bookWithReviewChange(book, before, review, now)));
      return (await this.commit(actions)) ? review : RETRY;
    });
  }

  async get(bookId: string, userId: string): Promise<Review | null> {
    const { Item: item } = await this.client.send(new GetCommand({ TableName: this.table, Key: reviewKey(bookId, userId), ConsistentRead: true }));
    return item ? reviewFromItem(item) : null;
  }

  /** Reads GSI1, which DynamoDB updates asynchronously: a review written a moment ago may be missing for a short while on AWS. */
  async listVisible(bookId: string, request: PageRequest): Promise<Page<Review>> {
    let start: Item | undefined;
    if (request.cursor !== undefined) {
      const [updatedAt, userId] = decodeCursor(request.cursor, 2) as [string, string];
      start = { ...reviewKey(bookId, userId), [`${GSI1}pk`]: reviewsOfBook(bookId), [`${GSI1}sk`]: newestKey({ updatedAt, userId }) };
    }
    const items = await queryPageAhead(
      this.client,
      {
        TableName: this.table,
        IndexName: GSI1,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': `${GSI1}pk` },
        ExpressionAttributeValues: { ':pk': reviewsOfBook(bookId) },
        ScanIndexForward: false,
      },
      start,
      request.limit,
    );
    const page = items.slice(0, request.limit).map(reviewFromItem);
    const last = page.at(-1);
    return { items: page, nextCursor: items.length > request.limit && last ? encodeCursor([last.updatedAt, last.userId]) : null };
  }

  /**
   * Reads GSI2, which DynamoDB updates asynchronously: a review written a moment ago may be missing
   * for a short while on AWS (deleting an account also looks up the books the customer bought).
   */
  async listByUser(userId: string): Promise<Review[]> {
    const found: Review[] = [];
    let start: Item | undefined;
    do {
      const out = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: GSI2,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': `${GSI2}pk` },
          ExpressionAttributeValues: { ':pk': reviewsBy(userId) },
          ExclusiveStartKey: start,
        }),
      );
      found.push(...(out.Items ?? []).map(reviewFromItem));
      start = out.LastEvaluatedKey;
    } while (start);
    return found;
  }

  private async book(bookId: string): Promise<Book | null> {
    const { Item: item } = await this.client.send(new GetCommand({ TableName: this.table, Key: keys.book(bookId), ConsistentRead: true }));
    return item ? bookFromItem(item) : null;
  }

  private putReview(review: Review, before: Review | null): TransactItem {
    return {
      Put: {
        TableName: this.table,
        Item: reviewItem(review),
        ...(before
          ? { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': before.version } }
          : { ConditionExpression: 'attribute_not_exists(pk)' }),
      },
    };
  }

  /** The book written with its new totals, or, when they do not move, checked to be still at the version read. */
  private bookAction(book: Book, next: Book | null): TransactItem {
    const condition = { ConditionExpression: 'version = :bv', ExpressionAttributeValues: { ':bv': book.version } };
    return next
      ? { Put: { TableName: this.table, Item: bookItem(next), ...condition } }
      : { ConditionCheck: { TableName: this.table, Key: keys.book(book.id), ...condition } };
  }

  /** True when committed, false when it lost a race and must be read and decided again. */
  private async commit(actions: TransactItem[]): Promise<boolean> {
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: actions }));
      return true;
    } catch (error) {
      if (lostRace(cancellationCodes(error))) return false;
      throw error;
    }
  }
}
