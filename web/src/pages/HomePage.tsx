import { Link } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import type { Category } from '../api/types';
import { useApi, useSession, userKey } from '../app/services';
import { BookShelf, categoryPath } from '../components/books';
import { ErrorNotice } from '../components/ui';
import { WhenVisible } from '../components/WhenVisible';
import { useDocumentTitle } from '../lib/hooks';

const ROW = 12;
const SHELF = 8;

function RecommendedForYou() {
  const api = useApi();
  const session = useSession();
  const recs = useQuery({ queryKey: userKey(session, 'recommendations'), queryFn: ({ signal }) => api.recommendations(signal) });
  return (
    <BookShelf
      title="Recommended for you"
      books={recs.data?.items.map((i) => ({ book: i.book, note: i.reason }))}
      isLoading={recs.isPending}
      error={recs.error}
      onRetry={() => void recs.refetch()}
      empty={{
        title: 'Nothing to recommend yet',
        body: (
          <p>
            Books you buy and rate, and books your friends buy, shape what shows up here. <Link to="/friends">Find friends</Link>
          </p>
        ),
      }}
    />
  );
}

function Bestsellers({ window, title }: { window: 'all' | '7d'; title: string }) {
  const api = useApi();
  const top = useQuery({ queryKey: ['bestsellers', window, ROW], queryFn: ({ signal }) => api.bestsellers(window, ROW, signal) });
  return (
    <BookShelf
      title={title}
      books={top.data?.items.map((i) => ({ book: i.book, note: `#${i.rank} · ${i.units} sold` }))}
      isLoading={top.isPending}
      error={top.error}
      onRetry={() => void top.refetch()}
      empty={{ title: window === '7d' ? 'No sales this week yet.' : 'No sales yet.' }}
    />
  );
}

/**
 * A category's best sellers of all time, so a shelf opens with what people buy rather than with
 * whatever sorts first by title; a category nobody has bought from yet shows its first books.
 */
function CategoryShelf({ category }: { category: Category }) {
  const api = useApi();
  const top = useQuery({
    queryKey: ['bestsellers', 'all', SHELF, category.name],
    queryFn: ({ signal }) => api.bestsellers('all', SHELF, signal, category.name),
  });
  const unsold = top.data !== undefined && top.data.items.length === 0;
  const books = useQuery({
    queryKey: ['books', category.name, null, SHELF],
    queryFn: ({ signal }) => api.books({ category: category.name, limit: SHELF }, signal),
    enabled: unsold,
  });
  const shown = unsold ? books : top;
  return (
    <BookShelf
      title={category.name}
      more={{ to: categoryPath(category.name), label: `All ${category.count} in ${category.name}` }}
      books={unsold ? books.data?.items.map((book) => ({ book })) : top.data?.items.map((i) => ({ book: i.book, note: `#${i.rank} in ${category.name}` }))}
      isLoading={shown.isPending}
      error={shown.error}
      onRetry={() => void shown.refetch()}
      empty={{ title: 'No books here yet.' }}
    />
  );
}

export default function HomePage() {
  useDocumentTitle('', 'Bookstore: search thousands of books, see this week’s bestsellers and what your friends are reading.');
  const api = useApi();
  const session = useSession();
  const categories = useQuery({ queryKey: ['categories'], queryFn: ({ signal }) => api.categories(signal), staleTime: 5 * 60_000 });

  return (
    <>
      <section className="hero" aria-labelledby="hero-title">
        <h1 id="hero-title">{session ? `Welcome back, ${session.user.name}` : 'Find your next book'}</h1>
        <p>Search thousands of titles, see what sells, and what your friends are reading.</p>
        <div className="chips-slot">
          {categories.data && (
            <nav aria-label="Categories">
              <ul className="chips">
                {categories.data.map((c) => (
                  <li key={c.name}>
                    <Link to={categoryPath(c.name)} className="chip">
                      {c.name}
                    </Link>
                  </li>
                ))}
              </ul>
            </nav>
          )}
        </div>
      </section>
      {session && <RecommendedForYou />}
      <Bestsellers window="7d" title="Bestsellers this week" />
      <Bestsellers window="all" title="All-time bestsellers" />
      {categories.error ? (
        <ErrorNotice title="The category shelves could not be loaded." error={categories.error} onRetry={() => void categories.refetch()} />
      ) : (
        categories.data?.map((c) => (
          <WhenVisible key={c.name} minHeight="var(--shelf-height)">
            <CategoryShelf category={c} />
          </WhenVisible>
        ))
      )}
    </>
  );
}
