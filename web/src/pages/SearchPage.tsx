import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { searchQueryOptions } from '../api/queries';
import type { SearchResult } from '../api/types';
import { useApi } from '../app/services';
import { bookPath, categoryPath } from '../components/books';
import { Cover } from '../components/Cover';
import { PriceAndRatingFilters, RadioGroup, SortSelect } from '../components/facets';
import { Highlighted } from '../components/Highlighted';
import { StockNote } from '../components/stock';
import { Pager } from '../components/Pager';
import { EmptyState, ErrorNotice, Loading, Price, Rating } from '../components/ui';
import { useDocumentTitle } from '../lib/hooks';
import { readSearchState, SORTS, withFilters, withoutCorrection } from './search-state';

/** Read by bench/web.ts: time from navigation to the first results on screen. */
const FIRST_RESULTS_MARK = 'bookstore:first-results';

function Filters({ result, params, setParams }: { result: SearchResult | undefined; params: URLSearchParams; setParams: (p: URLSearchParams) => void }) {
  const state = readSearchState(params);
  const [open] = useState(() => typeof window.matchMedia !== 'function' || window.matchMedia('(min-width: 50rem)').matches);
  const currency = result?.hits[0]?.book.currency ?? 'USD';
  const change = (changes: Record<string, string | number | undefined>) => setParams(withFilters(params, changes));

  const categories = result?.facets.categories ?? [];
  const selectedCategory = state.category ?? '';
  const categoryOptions = [
    { value: '', label: 'Any category' },
    ...categories.map((c) => ({ value: c.value, label: c.value, count: c.count })),
    ...(selectedCategory && !categories.some((c) => c.value === selectedCategory) ? [{ value: selectedCategory, label: selectedCategory, count: 0 }] : []),
  ];

  const ranges = result?.facets.priceRanges ?? [];
  const filtered = state.category !== undefined || state.minPrice !== undefined || state.maxPrice !== undefined || state.minRating !== undefined;

  return (
    <details className="filters" open={open}>
      <summary>Filters</summary>
      <RadioGroup legend="Category" name="category" options={categoryOptions} value={selectedCategory} onChange={(v) => change({ category: v || undefined })} />
      <PriceAndRatingFilters ranges={ranges} currency={currency} filter={state} onChange={change} />
      {filtered && (
        <p>
          <Link to={`?${withFilters(params, { category: undefined, minPrice: undefined, maxPrice: undefined, minRating: undefined }).toString()}`}>Clear filters</Link>
        </p>
      )}
    </details>
  );
}

function Hits({ result }: { result: SearchResult }) {
  useEffect(() => {
    if (performance.getEntriesByName(FIRST_RESULTS_MARK).length === 0) performance.mark(FIRST_RESULTS_MARK);
  }, []);
  return (
    <ol className="hits">
      {result.hits.map(({ book, highlights }) => (
        <li key={book.id} className="hit">
          <Cover book={book} size="sm" />
          <div className="hit-body">
            <h3 className="hit-title">
              <Link to={bookPath(book.id)}>
                <Highlighted html={highlights.title} text={book.title} />
              </Link>
            </h3>
            <p className="hit-authors">
              <Highlighted html={highlights.authors} text={book.authors.join(', ')} />
            </p>
            <p className="hit-description">
              <Highlighted html={highlights.description} text={book.description} />
            </p>
            <p className="hit-meta">
              <Price amount={book.price} currency={book.currency} />
              <Rating value={book.rating} />
              <Link to={categoryPath(book.category)} className="tag">
                {book.category}
              </Link>
              <span className="muted">{book.year}</span>
              <StockNote stock={book.stock} inline />
            </p>
          </div>
        </li>
      ))}
    </ol>
  );
}

export default function SearchPage() {
  const api = useApi();
  const [params, setParams] = useSearchParams();
  const state = readSearchState(params);
  useDocumentTitle(state.q ? `“${state.q}”` : 'All books', state.q ? `Books matching “${state.q}” at Bookstore.` : 'Every book at Bookstore, by category, price and rating.');

  const search = useQuery({ ...searchQueryOptions(api, state), placeholderData: keepPreviousData });
  const result = search.data;

  let status = '';
  if (result) {
    const shown = result.correctedQuery ?? state.q;
    status = `${result.total.toLocaleString()} ${result.total === 1 ? 'book' : 'books'}${shown ? ` for “${shown}”` : ''}`;
  }

  return (
    <div className="search-page">
      <div className="search-heading">
        <h1>{state.q ? <>Results for “{state.q}”</> : 'All books'}</h1>
        <SortSelect value={state.sort} options={SORTS} onChange={(sort) => setParams(withFilters(params, { sort }))} />
      </div>
      <div className="search-layout">
        <Filters result={result} params={params} setParams={setParams} />
        <section aria-labelledby="results-heading" className="results" aria-busy={search.isFetching}>
          <h2 id="results-heading" className="visually-hidden">
            Results
          </h2>
          <p role="status" className="result-count">
            {status}
          </p>
          {result?.correctedQuery && (
            <p className="notice corrected-query">
              Showing results for <strong>“{result.correctedQuery}”</strong>, search instead for{' '}
              <Link to={`/search?${withoutCorrection(params).toString()}`}>“{state.q}”</Link>.
            </p>
          )}
          {search.isPending ? (
            <Loading label="Searching…">
              {Array.from({ length: 5 }, (_, i) => (
                <div key={i} className="hit">
                  <div className="cover cover-sm skeleton" />
                  <div className="hit-body">
                    <div className="skeleton skeleton-line" />
                    <div className="skeleton skeleton-line short" />
                  </div>
                </div>
              ))}
            </Loading>
          ) : search.error ? (
            <ErrorNotice error={search.error} onRetry={() => void search.refetch()} />
          ) : result && result.hits.length === 0 ? (
            <EmptyState title={state.q ? `No books match “${state.q}”.` : 'No books match these filters.'}>
              <p>Check the spelling, try fewer words, or remove a filter.</p>
            </EmptyState>
          ) : result ? (
            <>
              <Hits result={result} />
              <Pager params={params} nextCursor={result.nextCursor} label="Pages of results" />
            </>
          ) : null}
        </section>
      </div>
    </div>
  );
}
