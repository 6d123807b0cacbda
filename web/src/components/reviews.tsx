import { useState, type FormEvent } from 'react';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, fieldErrorMap } from '../api/client';
import type { Review } from '../api/types';
import { useApi, useSession, userKey } from '../app/services';
import { describeError, ErrorNotice, Loading, SkeletonLines, SelectField, TextAreaField, TextField } from './ui';

const STARS = [5, 4, 3, 2, 1];

function Stars({ rating }: { rating: number }) {
  return (
    <span className="rating">
      <span aria-hidden="true">{'★'.repeat(rating)}{'☆'.repeat(5 - rating)}</span>
      <span className="visually-hidden">{rating} out of 5 stars</span>
    </span>
  );
}

function ReviewItem({ review }: { review: Review }) {
  return (
    <li className="review">
      <p className="review-head">
        <Stars rating={review.rating} /> {review.title && <strong>{review.title}</strong>}
      </p>
      <p className="muted">
        {review.reviewer.name}, <time dateTime={review.updatedAt}>{new Date(review.updatedAt).toLocaleDateString()}</time>
      </p>
      {review.body && <p className="review-body">{review.body}</p>}
    </li>
  );
}

/** The buyer's own review: write, change or remove it. Only buyers see the form; the server checks again. */
function MyReviewForm({ bookId }: { bookId: string }) {
  const api = useApi();
  const session = useSession();
  const queryClient = useQueryClient();
  const mine = useQuery({ queryKey: userKey(session, 'my-review', bookId), queryFn: ({ signal }) => api.myReview(bookId, signal) });
  const [draft, setDraft] = useState<{ rating: number; title: string; body: string } | null>(null);
  const refresh = async () => {
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: userKey(session, 'my-review', bookId) }),
      queryClient.invalidateQueries({ queryKey: ['reviews', bookId] }),
      queryClient.invalidateQueries({ queryKey: ['book', bookId] }),
    ]);
    setDraft(null);
  };
  const save = useMutation({
    mutationFn: (input: { rating: number; title: string; body: string }) =>
      api.putReview(bookId, { rating: input.rating, title: input.title.trim() || null, body: input.body.trim() || null }),
    onSuccess: refresh,
  });
  const remove = useMutation({ mutationFn: () => api.deleteReview(bookId), onSuccess: refresh });

  if (mine.isPending || mine.error || !mine.data.canReview) return null;
  const existing = mine.data.review;
  const form = draft ?? { rating: existing?.rating ?? 5, title: existing?.title ?? '', body: existing?.body ?? '' };
  const errors = fieldErrorMap(save.error);

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    save.mutate(form);
  }

  return (
    <form className="review-form panel" onSubmit={onSubmit} aria-labelledby="my-review">
      <h3 id="my-review">{existing ? 'Your review' : 'Review this book'}</h3>
      {existing?.hidden && <p className="notice">An admin has hidden your review: only you can see it.</p>}
      <SelectField label="Rating" value={form.rating} error={errors.rating} onChange={(e) => setDraft({ ...form, rating: Number(e.target.value) })}>
        {STARS.map((n) => (
          <option key={n} value={n}>
            {n} {n === 1 ? 'star' : 'stars'}
          </option>
        ))}
      </SelectField>
      <TextField label="Title (optional)" maxLength={120} value={form.title} error={errors.title} onChange={(e) => setDraft({ ...form, title: e.target.value })} />
      <TextAreaField label="Review (optional)" maxLength={5000} rows={4} value={form.body} error={errors.body} onChange={(e) => setDraft({ ...form, body: e.target.value })} />
      <p className="form-actions">
        <button type="submit" className="button button-primary" disabled={save.isPending}>
          {save.isPending ? 'Saving…' : existing ? 'Update review' : 'Post review'}
        </button>
        {existing && (
          <button type="button" className="button" disabled={remove.isPending} onClick={() => remove.mutate()}>
            Delete review
          </button>
        )}
      </p>
      <div role="status">{save.isSuccess && <p className="notice notice-ok">Thanks: your review is saved.</p>}</div>
      {(save.error || remove.error) && !(save.error instanceof ApiError && Object.keys(errors).length > 0) && (
        <p className="notice notice-error" role="alert">
          {describeError(save.error ?? remove.error)}
        </p>
      )}
    </form>
  );
}

/** A book's reviews, newest first, and the signed-in buyer's form. */
export function ReviewsSection({ bookId, reviewCount }: { bookId: string; reviewCount: number }) {
  const api = useApi();
  const session = useSession();
  const reviews = useInfiniteQuery({
    queryKey: ['reviews', bookId],
    queryFn: ({ pageParam, signal }) => api.reviews(bookId, pageParam, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
  const items = reviews.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section aria-labelledby="reviews" className="panel reviews">
      <h2 id="reviews">
        Reviews {reviewCount > 0 && <span className="muted">({reviewCount})</span>}
      </h2>
      {session && <MyReviewForm bookId={bookId} />}
      {reviews.isPending ? (
        <Loading>
          <SkeletonLines count={2} />
        </Loading>
      ) : reviews.error ? (
        <ErrorNotice error={reviews.error} onRetry={() => void reviews.refetch()} />
      ) : items.length === 0 ? (
        <p className="muted">No reviews yet.</p>
      ) : (
        <ul className="review-list">
          {items.map((r) => (
            <ReviewItem key={r.id} review={r} />
          ))}
        </ul>
      )}
      {reviews.hasNextPage && (
        <button type="button" className="button" disabled={reviews.isFetchingNextPage} onClick={() => void reviews.fetchNextPage()}>
          More reviews
        </button>
      )}
    </section>
  );
}
