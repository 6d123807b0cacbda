import { useDeferredValue, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { SearchResult } from '../api/types';
import { useApi } from '../app/services';
import { BookShelf } from '../components/books';
import { PriceAndRatingFilters, SortSelect } from '../components/facets';
import { NumberedPager } from '../components/NumberedPager';
import { EmptyState } from '../components/ui';
import { useDocumentTitle } from '../lib/hooks';
import { CATEGORY_PAGE_SIZE, CATEGORY_SORTS, pageCount, readCategoryState, withCategoryChanges, type CategoryState } from './category-state';

function CategoryFilters({ result, state, params, setParams }: {
  result: SearchResult | undefined;
  state: CategoryState;
  params: URLSearchParams;
  setParams: (p: URLSearchParams) => void;
}) {
  const [open] = useState(() => typeof window.matchMedia !== 'function' || window.matchMedia('(min-width: 50rem)').matches);
  const currency = result?.hits[0]?.book.currency ?? 'USD';
  const change = (changes: Record<string, string | number | undefined>) => setParams(withCategoryChanges(params, changes));

  const ranges = result?.facets.priceRanges ?? [];
  const filtered = state.minPrice !== undefined || state.maxPrice !== undefined || state.minRating !== undefined;

  return (
    <details className="filters" open={open}>
      <summary>Filters</summary>
      <PriceAndRatingFilters ranges={ranges} currency={currency} filter={state} onChange={change} />
      {filtered && (
        <p>
          <Link to={`?${withCategoryChanges(params, { minPrice: undefined, maxPrice: undefined, minRating: undefined }).toString()}`}>Clear filters</Link>
        </p>
      )}
    </details>
  );
}

export default function CategoryPage() {
  const api = useApi();
  const name = useParams().name ?? '';
  const [params, setParams] = useSearchParams();
  const state = readCategoryState(params);
  const page = state.page;
  useDocumentTitle(name, `${name} books at Bookstore: browse the shelf, compare prices and ratings, and see what sells.`);

  const query = { q: '', category: name, sort: state.sort, minPrice: state.minPrice, maxPrice: state.maxPrice, minRating: state.minRating, page: page ?? 1, limit: CATEGORY_PAGE_SIZE };
  const books = useQuery({
    queryKey: ['category', query],
    queryFn: ({ signal }) => api.search(query, signal),
    placeholderData: keepPreviousData,
    enabled: page !== null,
  });
  // The shelf's 24 cards render as a transition: React works in slices between frames instead of one
  // long task when the results arrive (the page's blocking time on a phone); skeletons stay meanwhile.
  const result = useDeferredValue(books.data);
  const rendering = books.data !== undefined && result === undefined;
  const pages = result ? pageCount(result.total, CATEGORY_PAGE_SIZE) : 1;
  const filtered = state.minPrice !== undefined || state.maxPrice !== undefined || state.minRating !== undefined;
  const firstPage = `?${withCategoryChanges(params, {}).toString()}`;

  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/">Home</Link> <span aria-hidden="true">›</span> <span>{name}</span>
      </nav>
      <div className="search-heading">
        <h1>{name}</h1>
        <SortSelect value={state.sort} options={CATEGORY_SORTS} onChange={(sort) => setParams(withCategoryChanges(params, { sort }))} />
      </div>
      <div className="search-layout">
        <CategoryFilters result={result} state={state} params={params} setParams={setParams} />
        <div className="results" aria-busy={books.isFetching}>
          <p role="status" className="result-count">
            {result && page !== null
              ? `${result.total.toLocaleString()} ${result.total === 1 ? 'book' : 'books'}${pages > 1 ? `, page ${page} of ${pages}` : ''}`
              : ''}
          </p>
          {page === null || (result && result.hits.length === 0 && page > 1) ? (
            <EmptyState title="There is no such page of this shelf.">
              <p>
                <Link to={firstPage}>Go to the first page</Link>
              </p>
            </EmptyState>
          ) : (
            <BookShelf
              title={`Books in ${name}`}
              layout="grid"
              skeletons={12}
              books={result?.hits.map(({ book }) => ({ book }))}
              isLoading={books.isPending || rendering}
              error={books.error}
              onRetry={() => void books.refetch()}
              empty={
                filtered
                  ? { title: 'No books in this category match these filters.', body: <p>Remove a filter to see more.</p> }
                  : { title: 'No books in this category yet.', body: <p><Link to="/search">Browse the whole catalog</Link></p> }
              }
            />
          )}
          {result && page !== null && page <= pages && <NumberedPager params={params} current={page} count={pages} label={`Pages of ${name}`} />}
        </div>
      </div>
    </>
  );
}
