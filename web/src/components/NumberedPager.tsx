import { Link } from 'react-router';
import { pageWindow } from '../pages/category-state';

/**
 * Numbered pages kept in the URL (`page`, left out for the first), so a page can be shared and the
 * back button returns to the previous one.
 */
export function NumberedPager({ params, current, count, label }: { params: URLSearchParams; current: number; count: number; label: string }) {
  if (count <= 1) return null;
  const to = (n: number) => {
    const next = new URLSearchParams(params);
    next.delete('cursor');
    if (n <= 1) next.delete('page');
    else next.set('page', String(n));
    const query = next.toString();
    return query ? `?${query}` : '?';
  };
  return (
    <nav className="pager numbered-pager" aria-label={label}>
      {current > 1 ? (
        <Link to={to(current - 1)} rel="prev">
          ← Previous
        </Link>
      ) : (
        <span />
      )}
      <ol className="page-numbers">
        {pageWindow(current, count).map((n, i) =>
          n === null ? (
            <li key={`gap-${i}`} aria-hidden="true" className="page-gap">
              …
            </li>
          ) : (
            <li key={n}>
              {n === current ? (
                <span aria-current="page" className="page-number current">
                  <span className="visually-hidden">Page </span>
                  {n}
                </span>
              ) : (
                <Link to={to(n)} className="page-number" aria-label={`Page ${n}`}>
                  {n}
                </Link>
              )}
            </li>
          ),
        )}
      </ol>
      {current < count ? (
        <Link to={to(current + 1)} rel="next">
          Next →
        </Link>
      ) : (
        <span />
      )}
    </nav>
  );
}
