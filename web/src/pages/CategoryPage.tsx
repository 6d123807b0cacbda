import { Link, useParams, useSearchParams } from 'react-router';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useApi } from '../app/services';
import { BookShelf } from '../components/books';
import { Pager } from '../components/Pager';
import { useDocumentTitle } from '../lib/hooks';

const PAGE_SIZE = 24;

export default function CategoryPage() {
  const api = useApi();
  const name = useParams().name ?? '';
  const [params] = useSearchParams();
  const cursor = params.get('cursor') ?? undefined;
  useDocumentTitle(name, `${name} books at Bookstore: browse the shelf, compare prices and ratings, and see what sells.`);

  const categories = useQuery({ queryKey: ['categories'], queryFn: ({ signal }) => api.categories(signal), staleTime: 5 * 60_000 });
  const books = useQuery({
    queryKey: ['books', name, cursor ?? null, PAGE_SIZE],
    queryFn: ({ signal }) => api.books({ category: name, ...(cursor ? { cursor } : {}), limit: PAGE_SIZE }, signal),
    placeholderData: keepPreviousData,
  });
  const count = categories.data?.find((c) => c.name === name)?.count;

  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/">Home</Link> <span aria-hidden="true">›</span> <span>{name}</span>
      </nav>
      <h1>{name}</h1>
      {count !== undefined && <p className="muted">{count.toLocaleString()} books, by title</p>}
      <BookShelf
        title={`Books in ${name}`}
        layout="grid"
        skeletons={12}
        books={books.data?.items.map((book) => ({ book }))}
        isLoading={books.isPending}
        error={books.error}
        onRetry={() => void books.refetch()}
        empty={{
          title: 'No books in this category yet.',
          body: (
            <p>
              <Link to="/search">Browse the whole catalog</Link>
            </p>
          ),
        }}
      />
      {books.data && <Pager params={params} nextCursor={books.data.nextCursor} label={`Pages of ${name}`} />}
    </>
  );
}
