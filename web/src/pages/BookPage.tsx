import { StockNote } from '../components/stock';
import { useDeferredValue, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError } from '../api/client';
import type { Book } from '../api/types';
import { useApi, useSession, userKey } from '../app/services';
import { BookShelf, categoryPath } from '../components/books';
import { Cover } from '../components/Cover';
import { ReviewsSection } from '../components/reviews';
import { describeError, ErrorNotice, Loading, Price, Rating, SkeletonLines } from '../components/ui';
import { useDocumentTitle } from '../lib/hooks';

const QUANTITY_CHOICES = Array.from({ length: 10 }, (_, i) => i + 1);
/** The cart's own limit per line (the server enforces it too). */
const MAX_PER_LINE = 99;

function AddToCart({ book }: { book: Book }) {
  const api = useApi();
  const session = useSession();
  const queryClient = useQueryClient();
  const [quantity, setQuantity] = useState(1);
  const cartKey = userKey(session, 'cart');

  const add = useMutation({
    mutationFn: async (count: number) => {
      // Adding sets the line to what is already there plus the new copies; the server prices it.
      const cart = await queryClient.fetchQuery({ queryKey: cartKey, queryFn: ({ signal }) => api.cart(signal) });
      const inCart = cart.lines.find((l) => l.bookId === book.id)?.quantity ?? 0;
      return api.setCartQuantity(book.id, Math.min(MAX_PER_LINE, inCart + count));
    },
    onSuccess: (cart) => queryClient.setQueryData(cartKey, cart),
  });

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    add.mutate(quantity);
  }

  const added = add.isSuccess ? add.data.lines.find((l) => l.bookId === book.id)?.quantity : undefined;
  // A counted book offers no more copies than are left (a hint: checkout has the last word), and none at all when it is out.
  const soldOut = book.stock === 0;
  const choices = typeof book.stock === 'number' ? QUANTITY_CHOICES.filter((n) => n <= Math.max(1, book.stock!)) : QUANTITY_CHOICES;
  return (
    <form className="buy-box" onSubmit={onSubmit}>
      <label htmlFor="quantity">Quantity</label>
      <select id="quantity" value={quantity} disabled={soldOut} onChange={(e) => setQuantity(Number(e.target.value))}>
        {choices.map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </select>
      <button type="submit" className="button button-primary" disabled={add.isPending || soldOut}>
        {soldOut ? 'Out of stock' : add.isPending ? 'Adding…' : 'Add to cart'}
      </button>
      <div role="status" className="buy-status">
        {added !== undefined && (
          <p className="notice notice-ok">
            Added. Your cart has {added} {added === 1 ? 'copy' : 'copies'} of this book. <Link to="/cart">View cart</Link>
          </p>
        )}
      </div>
      {add.error && (
        <p className="notice notice-error" role="alert">
          {add.error instanceof ApiError && add.error.code === 'cart-full'
            ? 'Your cart is full: check out or remove a book first.'
            : describeError(add.error)}
        </p>
      )}
    </form>
  );
}

function FriendsWhoBought({ bookId }: { bookId: string }) {
  const api = useApi();
  const session = useSession();
  const recs = useQuery({ queryKey: userKey(session, 'book-recommendations', bookId), queryFn: ({ signal }) => api.bookRecommendations(bookId, signal) });
  // The shelf's cards render as a transition, in slices between frames rather than one long task
  // when the answer arrives (blocking time on a phone); its skeletons stay meanwhile.
  const alsoBought = useDeferredValue(recs.data?.alsoBought);
  return (
    <>
      {session && (
        <section aria-labelledby="friends-bought" className="panel">
          <h2 id="friends-bought">Friends who bought this</h2>
          {recs.isPending ? (
            <Loading>
              <SkeletonLines count={1} />
            </Loading>
          ) : recs.error ? (
            <ErrorNotice error={recs.error} onRetry={() => void recs.refetch()} />
          ) : recs.data.friendsWhoBought.length === 0 ? (
            <p className="muted">
              None of your friends has bought it yet. <Link to="/friends">Find friends</Link>
            </p>
          ) : (
            <ul className="people">
              {recs.data.friendsWhoBought.map((f) => (
                <li key={f.id}>{f.name}</li>
              ))}
            </ul>
          )}
        </section>
      )}
      <BookShelf
        title="Customers also bought"
        books={alsoBought?.map((book) => ({ book }))}
        isLoading={recs.isPending || (recs.data !== undefined && alsoBought === undefined)}
        error={recs.error}
        onRetry={() => void recs.refetch()}
        empty={{ title: 'No one who bought this has bought anything else yet.' }}
      />
    </>
  );
}

export default function BookPage() {
  const api = useApi();
  const bookId = useParams().id ?? '';
  const book = useQuery({ queryKey: ['book', bookId], queryFn: ({ signal }) => api.book(bookId, signal) });
  const shown = book.data?.book;
  useDocumentTitle(shown?.title ?? 'Book', shown ? `${shown.title} by ${shown.authors.join(', ')}. ${shown.description}` : undefined);

  if (book.isPending) {
    return (
      <Loading label="Loading the book…">
        <div className="book-detail">
          <div className="cover cover-lg skeleton" />
          <div>
            <div className="skeleton skeleton-heading" />
            <SkeletonLines count={5} />
          </div>
        </div>
      </Loading>
    );
  }
  if (book.error) {
    return (
      <>
        <h1>Book not available</h1>
        <ErrorNotice error={book.error} onRetry={() => void book.refetch()} />
      </>
    );
  }
  const b = book.data.book;
  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/">Home</Link> <span aria-hidden="true">›</span> <Link to={categoryPath(b.category)}>{b.category}</Link>
      </nav>
      <article className="book-detail">
        <Cover book={b} size="lg" label={`Cover of ${b.title}`} />
        <div className="book-info">
          <h1>{b.title}</h1>
          <p className="book-authors">by {b.authors.join(', ')}</p>
          <p className="book-facts">
            <Rating value={b.rating} />
            {b.reviewCount ? <span>{b.reviewCount === 1 ? '1 review' : `${b.reviewCount} reviews`}</span> : null}
            <span>{b.year}</span>
            <span>ISBN {b.isbn}</span>
          </p>
          <p className="book-price">
            <Price amount={b.price} currency={b.currency} />
          </p>
          <StockNote stock={b.stock} />
          <AddToCart key={b.id} book={b} />
          <h2 className="visually-hidden">Description</h2>
          <p className="book-description">{b.description || 'No description yet.'}</p>
        </div>
      </article>
      <ReviewsSection bookId={b.id} reviewCount={b.reviewCount ?? 0} />
      <FriendsWhoBought bookId={b.id} />
    </>
  );
}
