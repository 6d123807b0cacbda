import type { ReactNode } from 'react';
import { Link } from 'react-router';
import type { Book } from '../api/types';
import { Cover } from './Cover';
import { StockNote } from './stock';
import { EmptyState, ErrorNotice, Loading, Price, Rating } from './ui';

export function bookPath(id: string): string {
  return `/books/${encodeURIComponent(id)}`;
}

export function categoryPath(name: string): string {
  return `/category/${encodeURIComponent(name)}`;
}

/** A book in a shelf or a grid: the whole card is one link (its title), so it is one tab stop. */
export function BookCard({ book, note, showStock = false }: { book: Book; note?: ReactNode; showStock?: boolean }) {
  return (
    <article className="book-card">
      <Cover book={book} />
      <h3 className="book-card-title">
        <Link to={bookPath(book.id)} className="stretched-link">
          {book.title}
        </Link>
      </h3>
      <p className="book-card-authors">{book.authors.join(', ')}</p>
      <p className="book-card-meta">
        <Price amount={book.price} currency={book.currency} />
        <Rating value={book.rating} />
      </p>
      {showStock && <StockNote stock={book.stock} />}
      {note && <p className="book-card-note">{note}</p>}
    </article>
  );
}

/** One line of text's height in the element it sits in, shown as a grey bar. */
const SkeletonText = ({ short = false }: { short?: boolean }) => <span className={`skeleton skeleton-text${short ? ' short' : ''}`}>{'\u00a0'}</span>;

/**
 * A card's lines with the card's own classes (a two-line title, authors, price and note), so the
 * placeholder is as tall as the card that replaces it and nothing below moves when books arrive.
 */
export function BookCardSkeleton() {
  return (
    <div className="book-card">
      <div className="cover cover-md skeleton" />
      <p className="book-card-title">
        <SkeletonText />
        <br />
        <SkeletonText short />
      </p>
      <p className="book-card-authors">
        <SkeletonText short />
      </p>
      <p className="book-card-meta">
        <SkeletonText short />
      </p>
      <p className="book-card-note">
        <SkeletonText />
      </p>
    </div>
  );
}

interface ShelfProps {
  title: string;
  /** A link shown beside the title ("See all"). */
  more?: { to: string; label: string };
  books: Array<{ book: Book; note?: ReactNode }> | undefined;
  isLoading: boolean;
  error: unknown;
  onRetry: () => void;
  empty: { title: string; body?: ReactNode };
  layout?: 'row' | 'grid';
  skeletons?: number;
  /**
   * "Only 3 left" / "Out of stock" under each card. On by default in grids (a category's books, where
   * a shopper compares what can be bought); off in rows, whose height the home page holds before they
   * render, so a note there would shift the page.
   */
  showStock?: boolean;
}

/** A titled list of books with its loading, error and empty states. */
export function BookShelf({ title, more, books, isLoading, error, onRetry, empty, layout = 'row', skeletons = 6, showStock = layout === 'grid' }: ShelfProps) {
  const headingId = `shelf-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  let body: ReactNode;
  if (isLoading) {
    body = (
      <Loading label={`Loading ${title.toLowerCase()}…`}>
        <div className={`book-${layout}`}>
          {Array.from({ length: skeletons }, (_, i) => (
            <BookCardSkeleton key={i} />
          ))}
        </div>
      </Loading>
    );
  } else if (error) {
    body = <ErrorNotice error={error} onRetry={onRetry} />;
  } else if (!books || books.length === 0) {
    body = <EmptyState title={empty.title}>{empty.body}</EmptyState>;
  } else {
    body = (
      <ul className={`book-${layout}`} aria-labelledby={headingId}>
        {books.map(({ book, note }) => (
          <li key={book.id}>
            <BookCard book={book} note={note} showStock={showStock} />
          </li>
        ))}
      </ul>
    );
  }
  return (
    <section className="shelf" aria-labelledby={headingId}>
      <div className="shelf-header">
        <h2 id={headingId}>{title}</h2>
        {more && (
          <Link to={more.to} className="shelf-more">
            {more.label}
          </Link>
        )}
      </div>
      {body}
    </section>
  );
}
