import { useLocation, useNavigate } from 'react-router';
import type { NotMergedBook } from '../api/types';

/** The history state sign-in leaves when some of the guest cart stayed behind. */
export interface CartMergeState {
  notMerged: NotMergedBook[];
}

function notMergedOf(state: unknown): NotMergedBook[] {
  const books = (state as Partial<CartMergeState> | null)?.notMerged;
  return Array.isArray(books) ? books : [];
}

function list(names: string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

/**
 * Tells a shopper who just signed in which books of their guest cart are not in their cart now
 * (the server leaves out books gone from the catalog, priced in another currency than the cart, or
 * beyond the number of books a cart holds), on whatever page sign-in led to, until they dismiss it.
 */
export function CartMergeNotice() {
  const location = useLocation();
  const navigate = useNavigate();
  const books = notMergedOf(location.state);
  if (books.length === 0) return null;
  const titled = books.flatMap((b) => (b.title === null ? [] : [`“${b.title}”`]));
  const gone = books.length - titled.length;
  const names = [...titled, ...(gone === 0 ? [] : [gone === 1 ? 'a book no longer in the catalog' : `${gone} books no longer in the catalog`])];
  return (
    <div className="notice notice-warn" role="alert" data-testid="cart-merge-notice">
      <p className="notice-title">
        {books.length === 1 ? 'One book from your guest cart is not in your cart' : `${books.length} books from your guest cart are not in your cart`}
      </p>
      <p>We could not add {list(names)} to it: a cart holds books in one currency and a limited number of different books.</p>
      <button type="button" className="button button-secondary" onClick={() => navigate(location, { replace: true, state: null })}>
        Dismiss
      </button>
    </div>
  );
}
