import { useState, type FormEvent } from 'react';
import { Link, useLocation, useSearchParams } from 'react-router';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError } from '../../api/client';
import type { AuditReport, Book, ProjectionStatus } from '../../api/types';
import { useApi, useSession } from '../../app/services';
import { bookPath } from '../../components/books';
import { Pager } from '../../components/Pager';
import { describeError, EmptyState, ErrorNotice, Loading, Price, SkeletonLines } from '../../components/ui';
import { useDocumentTitle } from '../../lib/hooks';

const PAGE_SIZE = 20;

export function Forbidden({ email }: { email: string }) {
  return (
    <>
      <h1>Admin</h1>
      <div className="notice notice-error" role="alert">
        <p className="notice-title">This page is for admins only.</p>
        <p>
          You are signed in as {email}, which is a customer account. If you run this store, make yourself an admin with{' '}
          <code>npx bookstore admin create {email}</code>, then sign out and in again.
        </p>
      </div>
      <p>
        <Link to="/">Back to the store</Link>
      </p>
    </>
  );
}

function formatLag(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.round(ms / 60_000)} min`;
}

function ProjectionRow({ projection }: { projection: ProjectionStatus }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const rebuild = useMutation({
    mutationFn: () => api.rebuildProjection(projection.name),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['admin', 'projections'] }),
  });
  const job = projection.rebuild;
  const stalled = job?.stalled === true;
  const state = projection.rebuilding
    ? 'Rebuilding'
    : stalled
      ? 'Rebuild stalled'
      : projection.lastError
        ? 'Failing'
        : projection.lagUnknown
          ? 'Streaming'
          : projection.lagEvents > 0
            ? 'Catching up'
            : 'Up to date';
  return (
    <tr>
      <th scope="row" data-label="Store">
        {projection.name}
      </th>
      <td className="num" data-label="Checkpoint / head">
        {projection.position.toLocaleString()} / {projection.headPosition.toLocaleString()}
        <span className="muted small"> gen {projection.generation}</span>
      </td>
      <td className="num" data-label="Lag">
        {projection.lagUnknown ? (
          <span className="muted small" title={projection.lagUnknown}>
            not known here (CloudWatch IteratorAge)
          </span>
        ) : (
          <>
            {projection.lagEvents.toLocaleString()} events · {formatLag(projection.lagMs)}
          </>
        )}
        {job && (job.phase === 'loading' || job.phase === 'switching') && (
          <span className="muted small">
            {' '}
            · rebuild {job.loaded.toLocaleString()}/{job.total === null ? '?' : job.total.toLocaleString()}
            {stalled && job.lastError ? ` (${job.lastError}; rebuild again to resume)` : ''}
          </span>
        )}
      </td>
      <td data-label="Last error">{projection.lastError ? <span className="error-text">{projection.lastError}</span> : <span className="muted">none</span>}</td>
      <td data-label="State">
        <span className={`status status-${state.toLowerCase().replace(/\s+/g, '-')}`}>{state}</span>
      </td>
      <td>
        <button type="button" className="button button-secondary" disabled={projection.rebuilding || rebuild.isPending} onClick={() => rebuild.mutate()}>
          Rebuild<span className="visually-hidden"> {projection.name}</span>
        </button>
        {rebuild.error && (
          <p className="field-error" role="alert">
            {describeError(rebuild.error)}
          </p>
        )}
      </td>
    </tr>
  );
}

function DerivedStores() {
  const api = useApi();
  const projections = useQuery({
    queryKey: ['admin', 'projections'],
    queryFn: ({ signal }) => api.projections(signal),
    // Poll quickly while something is moving, slowly otherwise.
    refetchInterval: (query) => (query.state.data?.some((p) => p.rebuilding || p.lagEvents > 0) ? 1000 : 5000),
    staleTime: 0,
  });
  return (
    <section className="panel" aria-labelledby="derived-stores">
      <h2 id="derived-stores">Derived stores</h2>
      <p className="muted small">Search, bestsellers and the social graph follow the change feed. A rebuild recreates one from the system of record while it keeps serving.</p>
      {projections.isPending ? (
        <Loading label="Loading derived store status…">
          <SkeletonLines count={3} />
        </Loading>
      ) : projections.error ? (
        <ErrorNotice error={projections.error} onRetry={() => void projections.refetch()} />
      ) : (
        <div className="table-scroll">
          <table className="data-table stack-table">
            <thead>
              <tr>
                <th scope="col">Store</th>
                <th scope="col" className="num">
                  Checkpoint / head
                </th>
                <th scope="col" className="num">
                  Lag
                </th>
                <th scope="col">Last error</th>
                <th scope="col">State</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {projections.data.map((p) => (
                <ProjectionRow key={p.name} projection={p} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function AuditSummary({ report }: { report: AuditReport }) {
  return (
    <>
      <p className={report.remaining === 0 ? 'notice notice-ok' : 'notice'} role="status">
        {report.drift === 0
          ? 'No drift: every derived store matches the system of record.'
          : report.remaining === 0
            ? `${report.drift} differences found and repaired.`
            : `${report.remaining} differences from the system of record.`}{' '}
        <span className="muted small">Audit of {new Date(report.finishedAt).toLocaleString()}</span>
      </p>
      <div className="table-scroll">
        <table className="data-table stack-table">
          <thead>
            <tr>
              <th scope="col">Store</th>
              <th scope="col" className="num">Checked</th>
              <th scope="col" className="num">Drift</th>
              <th scope="col" className="num">Repaired</th>
              <th scope="col">First differences</th>
            </tr>
          </thead>
          <tbody>
            {report.stores.map((s) => (
              <tr key={s.store}>
                <th scope="row" data-label="Store">
                  {s.store}
                </th>
                <td className="num" data-label="Checked">
                  {s.checked.toLocaleString()}
                </td>
                <td className="num" data-label="Drift">
                  {s.drift.toLocaleString()}
                </td>
                <td className="num" data-label="Repaired">
                  {s.repaired.toLocaleString()}
                </td>
                <td className="small" data-label="First differences">
                  {s.differences.length === 0 ? (
                    <span className="muted">none</span>
                  ) : (
                    s.differences.slice(0, 5).map((d) => (
                      <div key={d.key}>
                        {d.key}: expected {d.expected ?? 'absent'}, found {d.actual ?? 'absent'}
                      </div>
                    ))
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

function DriftAudit() {
  const api = useApi();
  const queryClient = useQueryClient();
  const last = useQuery({ queryKey: ['admin', 'audit'], queryFn: ({ signal }) => api.lastAudit(signal), staleTime: 0 });
  const run = useMutation({
    mutationFn: (repair: boolean) => api.runAudit(repair),
    onSuccess: (report) => queryClient.setQueryData(['admin', 'audit'], report),
  });
  const report = last.data;
  return (
    <section className="panel" aria-labelledby="drift-audit">
      <h2 id="drift-audit">Drift audit</h2>
      <p className="muted small">Compares search, bestsellers and the graph with the system of record. A repair fixes exactly what differs, without a rebuild.</p>
      <p>
        <button type="button" className="button button-secondary" disabled={run.isPending} onClick={() => run.mutate(false)}>
          Run audit
        </button>{' '}
        {report && report.remaining > 0 && (
          <button type="button" className="button" disabled={run.isPending} onClick={() => run.mutate(true)}>
            Repair drift
          </button>
        )}
      </p>
      {run.error && <ErrorNotice error={run.error} />}
      {last.isPending || run.isPending ? (
        <Loading label="Auditing…">
          <SkeletonLines count={3} />
        </Loading>
      ) : last.error ? (
        <ErrorNotice error={last.error} onRetry={() => void last.refetch()} />
      ) : report ? (
        <AuditSummary report={report} />
      ) : (
        <p className="muted">No audit has run on this server yet.</p>
      )}
    </section>
  );
}

function Catalog() {
  const api = useApi();
  const queryClient = useQueryClient();
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const cursor = params.get('cursor') ?? undefined;
  const [text, setText] = useState(q);
  const [message, setMessage] = useState<string | null>(null);

  const books = useQuery({
    queryKey: ['admin', 'catalog', q, cursor ?? null],
    queryFn: async ({ signal }) => {
      if (!q) return api.books({ ...(cursor ? { cursor } : {}), limit: PAGE_SIZE }, signal);
      const result = await api.search({ q, cursor, limit: PAGE_SIZE }, signal);
      return { items: result.hits.map((h) => h.book), nextCursor: result.nextCursor };
    },
    placeholderData: keepPreviousData,
  });

  const remove = useMutation({
    mutationFn: async (book: Book) => {
      const { etag } = await api.book(book.id);
      await api.deleteBook(book.id, etag);
      return book;
    },
    onSuccess: (book) => {
      setMessage(`Deleted “${book.title}”.`);
      void queryClient.invalidateQueries({ queryKey: ['admin', 'catalog'] });
      void queryClient.invalidateQueries({ queryKey: ['books'] });
      void queryClient.invalidateQueries({ queryKey: ['search'] });
      queryClient.removeQueries({ queryKey: ['book', book.id] });
    },
  });

  function onSearch(event: FormEvent) {
    event.preventDefault();
    const next = new URLSearchParams();
    if (text.trim()) next.set('q', text.trim());
    setParams(next);
  }

  function onDelete(book: Book) {
    if (window.confirm(`Delete “${book.title}” from the catalog? This cannot be undone.`)) {
      setMessage(null);
      remove.mutate(book);
    }
  }

  return (
    <section className="panel" aria-labelledby="catalog">
      <div className="shelf-header">
        <h2 id="catalog">Catalog</h2>
        <Link to="/admin/books/new" className="button button-primary">
          Add a book
        </Link>
      </div>
      <form className="inline-form" role="search" aria-label="Catalog" onSubmit={onSearch}>
        <label htmlFor="catalog-q">Find books</label>
        <input id="catalog-q" type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder="Title, author, ISBN…" />
        <button type="submit" className="button button-secondary">
          Find
        </button>
      </form>
      <div role="status">{message && <p className="notice notice-ok">{message}</p>}</div>
      {remove.error && (
        <p className="notice notice-error" role="alert">
          {remove.error instanceof ApiError && remove.error.status === 412
            ? 'Someone changed this book while you were deleting it. Look at it again, then delete it if you still want to.'
            : describeError(remove.error)}
        </p>
      )}
      {books.isPending ? (
        <Loading label="Loading the catalog…">
          <SkeletonLines count={6} />
        </Loading>
      ) : books.error ? (
        <ErrorNotice error={books.error} onRetry={() => void books.refetch()} />
      ) : books.data.items.length === 0 ? (
        <EmptyState title={q ? `No books match “${q}”.` : 'The catalog is empty.'}>
          <p>
            <Link to="/admin/books/new">Add a book</Link>
          </p>
        </EmptyState>
      ) : (
        <>
          <div className="table-scroll">
            <table className="data-table stack-table">
              <caption className="visually-hidden">Books{q ? ` matching “${q}”` : ''}</caption>
              <thead>
                <tr>
                  <th scope="col">Title</th>
                  <th scope="col">Authors</th>
                  <th scope="col">Category</th>
                  <th scope="col" className="num">
                    Price
                  </th>
                  <th scope="col" className="num">
                    Rating
                  </th>
                  <th scope="col" className="num">
                    Year
                  </th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {books.data.items.map((book) => (
                  <tr key={book.id}>
                    <th scope="row" data-label="Title">
                      <Link to={bookPath(book.id)}>{book.title}</Link>
                    </th>
                    <td data-label="Authors">{book.authors.join(', ')}</td>
                    <td data-label="Category">{book.category}</td>
                    <td className="num" data-label="Price">
                      <Price amount={book.price} currency={book.currency} />
                    </td>
                    <td className="num" data-label="Rating">
                      {book.rating.toFixed(1)}
                    </td>
                    <td className="num" data-label="Year">
                      {book.year}
                    </td>
                    <td className="actions">
                      <Link to={`/admin/books/${encodeURIComponent(book.id)}/edit`} className="button button-secondary">
                        Edit<span className="visually-hidden"> {book.title}</span>
                      </Link>
                      <button type="button" className="button button-danger" disabled={remove.isPending} onClick={() => onDelete(book)}>
                        Delete<span className="visually-hidden"> {book.title}</span>
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager params={params} nextCursor={books.data.nextCursor} label="Pages of the catalog" />
        </>
      )}
    </section>
  );
}

export default function AdminPage() {
  useDocumentTitle('Admin');
  const session = useSession();
  const location = useLocation();
  const flash = (location.state as { flash?: string } | null)?.flash;
  if (!session) return null;
  if (session.user.role !== 'admin') return <Forbidden email={session.user.email} />;
  return (
    <>
      <h1>Admin</h1>
      <p>
        <Link to="/admin/orders">Manage orders</Link>: find them by status, mark them paid, shipped or delivered, or cancel them.
      </p>
      {flash && (
        <p className="notice notice-ok" role="status">
          {flash}
        </p>
      )}
      <DerivedStores />
      <DriftAudit />
      <Catalog />
    </>
  );
}
