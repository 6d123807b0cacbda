import type { UseCases } from '../../app/index.js';
import { principalOf } from '../access.js';
import { BookParams, toBookJson } from '../books/schemas.js';
import { HEADERS, responses } from '../responses.js';
import type { App } from '../types.js';
import { ListReviewsQuery, MyReview, MyReviewState, PutReviewBody, ReviewPage, ReviewParams, ReviewWithBook, toReviewJson } from './schemas.js';

const tags = ['reviews'];

export function reviewRoutes(app: App, useCases: UseCases): void {
  const { reviews } = useCases;

  app.put(
    '/books/:id/review',
    {
      config: { access: 'customer' },
      schema: {
        tags,
        operationId: 'putMyReview',
        summary: 'Write or replace my review of a book I bought (403 if I did not buy it)',
        params: BookParams,
        body: PutReviewBody,
        response: responses({
          200: { description: 'My review, replaced', schema: ReviewWithBook },
          201: { description: 'My review, created', schema: ReviewWithBook, headers: { location: HEADERS.location } },
        }),
      },
    },
    async (request, reply) => {
      const { review, book, created } = await reviews.put(principalOf(request).userId, request.params.id, request.body);
      if (created) reply.code(201).header('location', `/api/v1/books/${encodeURIComponent(book.id)}/review`);
      return { review: toReviewJson(review), book: toBookJson(book) };
    },
  );

  app.get(
    '/books/:id/review',
    {
      config: { access: 'customer' },
      schema: {
        tags,
        operationId: 'getMyReview',
        summary: 'My review of a book (hidden or not) and whether I may write one',
        params: BookParams,
        response: responses({ 200: { description: 'My review, null when I wrote none', schema: MyReviewState } }),
      },
    },
    async (request) => {
      const { review, canReview } = await reviews.mine(principalOf(request).userId, request.params.id);
      return { review: review ? toReviewJson(review) : null, canReview };
    },
  );

  app.delete(
    '/books/:id/review',
    {
      config: { access: 'customer' },
      schema: {
        tags,
        operationId: 'deleteMyReview',
        summary: 'Remove my review of a book (404 when I wrote none)',
        params: BookParams,
        response: responses({ 204: { description: 'My review is gone and the book rating no longer counts it' } }),
      },
    },
    async (request, reply) => {
      await reviews.remove(principalOf(request).userId, request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/books/:id/reviews',
    {
      config: { access: 'public' },
      schema: {
        tags,
        operationId: 'listReviews',
        summary: "A book's visible reviews, newest first",
        params: BookParams,
        querystring: ListReviewsQuery,
        response: responses({ 200: { description: 'A page of reviews', schema: ReviewPage } }),
      },
    },
    async (request) => {
      const page = await reviews.list(request.params.id, { cursor: request.query.cursor, limit: request.query.limit ?? 20 });
      return { items: page.items.map(toReviewJson), nextCursor: page.nextCursor };
    },
  );

  app.post(
    '/admin/reviews/:reviewId/hide',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        operationId: 'hideReview',
        summary: "Hide a review from listings and from its book's rating (admin)",
        params: ReviewParams,
        response: responses({ 200: { description: 'The review, hidden', schema: MyReview } }),
      },
    },
    async (request) => ({ review: toReviewJson(await reviews.hide(request.params.reviewId)) }),
  );
}
