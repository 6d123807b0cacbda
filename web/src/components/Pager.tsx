import { Link } from 'react-router';

/**
 * Cursor pagination kept in the URL (`cursor` and `page`), so a page can be shared and the back
 * button returns to the previous one. The API's cursors only go forward: "first page" restarts.
 */
export function Pager({ params, nextCursor, label }: { params: URLSearchParams; nextCursor: string | null; label: string }) {
  const page = Number(params.get('page') ?? '1') || 1;
  if (page <= 1 && !nextCursor) return null;

  const withPage = (cursor: string | null, n: number) => {
    const next = new URLSearchParams(params);
    next.delete('cursor');
    next.delete('page');
    if (cursor) {
      next.set('cursor', cursor);
      next.set('page', String(n));
    }
    const query = next.toString();
    return query ? `?${query}` : '?';
  };

  return (
    <nav className="pager" aria-label={label}>
      {page > 1 ? <Link to={withPage(null, 1)}>← First page</Link> : <span />}
      <span aria-current="page">Page {page}</span>
      {nextCursor ? (
        <Link to={withPage(nextCursor, page + 1)} rel="next">
          Next page →
        </Link>
      ) : (
        <span />
      )}
    </nav>
  );
}
