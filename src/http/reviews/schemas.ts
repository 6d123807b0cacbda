import { Type } from 'typebox';
import { REVIEW_LIMITS, REVIEW_TEXT, type Review } from '../../domain/review.js';
import { BookComponent, cursorParam, ID_PATTERN } from '../books/schemas.js';
import { component } from '../responses.js';
import { textSchema } from '../text-schema.js';
import { PublicUserJson } from '../users/schemas.js';

const strict = { additionalProperties: false } as const;

export const ReviewJson = Type.Object(
  {
    id: Type.String({ description: 'The review id: `<bookId>.<reviewerId>`, the same when the review is replaced' }),
    bookId: Type.String(),
    reviewer: PublicUserJson,
    rating: Type.Integer({ minimum: REVIEW_LIMITS.ratingMin, maximum: REVIEW_LIMITS.ratingMax, description: 'Stars' }),
    title: Type.Union([Type.String(), Type.Null()]),
    body: Type.Union([Type.String(), Type.Null()]),
    hidden: Type.Boolean({ description: 'Hidden by an admin: only its reviewer and admins see it' }),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  strict,
);

export const ReviewComponent = component('Review', ReviewJson);

export function toReviewJson(review: Review) {
  return {
    id: review.id,
    bookId: review.bookId,
    reviewer: { id: review.userId, name: review.reviewerName },
    rating: review.rating,
    title: review.title,
    body: review.body,
    hidden: review.hidden,
    createdAt: review.createdAt,
    updatedAt: review.updatedAt,
  };
}

export const PutReviewBody = Type.Object(
  {
    rating: Type.Integer({ minimum: REVIEW_LIMITS.ratingMin, maximum: REVIEW_LIMITS.ratingMax, description: 'Stars, 1 to 5', examples: [5] }),
    title: Type.Optional(Type.Union([textSchema(REVIEW_TEXT.title, { examples: ['A desert classic'] }), Type.Null()])),
    body: Type.Optional(Type.Union([textSchema(REVIEW_TEXT.body), Type.Null()])),
  },
  strict,
);

export const ReviewWithBook = Type.Object(
  { review: ReviewComponent.ref, book: BookComponent.ref },
  { ...strict, description: 'The review and the book with its rating and review count as they now are' },
);

export const MyReview = Type.Object({ review: ReviewComponent.ref }, strict);

export const MyReviewState = Type.Object(
  {
    review: Type.Union([ReviewComponent.ref, Type.Null()]),
    canReview: Type.Boolean({ description: 'Whether I bought the book, which reviewing needs' }),
  },
  strict,
);

export const ListReviewsQuery = Type.Object(
  {
    cursor: Type.Optional(cursorParam()),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: REVIEW_LIMITS.pageMax, default: 20 })),
  },
  strict,
);

export const ReviewPage = Type.Object({ items: Type.Array(ReviewComponent.ref), nextCursor: Type.Union([Type.String(), Type.Null()]) }, strict);

const ID_PART = ID_PATTERN.slice(1, -1);
export const ReviewParams = Type.Object(
  { reviewId: Type.String({ minLength: 3, maxLength: 129, pattern: `^${ID_PART}\\.${ID_PART}$`, description: 'Review id, `<bookId>.<reviewerId>`' }) },
  strict,
);
