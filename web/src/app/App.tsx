import { Suspense, type ReactNode } from 'react';
import { matchPath, Route, Routes } from 'react-router';
import { RequireAuth, SessionWatcher } from '../auth/guards';
import { Loading, SkeletonLines } from '../components/ui';
import type { QueryClient } from '@tanstack/react-query';
import { searchQueryOptions } from '../api/queries';
import { readSearchState } from '../pages/search-state';
import { lazyPage, type LazyPage } from './lazy-page';
import type { Services } from './services';
import { Layout } from './Layout';

interface PageRoute {
  path: string;
  page: LazyPage;
  /** Starts the page's main request while its code loads, on the visit's first page. */
  prefetch?: (services: Services, queryClient: QueryClient, search: URLSearchParams) => void;
  /** Needs an account: visitors are sent to sign in and back. */
  signedIn?: boolean;
}

// Each page is its own chunk: a visit downloads only the pages it opens.
const ROUTES: PageRoute[] = [
  { path: '/', page: lazyPage(() => import('../pages/HomePage')) },
  { path: '/category/:name', page: lazyPage(() => import('../pages/CategoryPage')) },
  {
    path: '/search',
    page: lazyPage(() => import('../pages/SearchPage')),
    prefetch: ({ api }, queryClient, search) => void queryClient.prefetchQuery(searchQueryOptions(api, readSearchState(search))),
  },
  { path: '/books/:id', page: lazyPage(() => import('../pages/BookPage')) },
  { path: '/signin', page: lazyPage(() => import('../pages/SignInPage')) },
  { path: '/signup', page: lazyPage(() => import('../pages/SignUpPage')) },
  // A visitor has a guest cart; checkout asks them to sign in or sign up, and the cart comes along.
  { path: '/cart', page: lazyPage(() => import('../pages/CartPage')) },
  { path: '/checkout', page: lazyPage(() => import('../pages/CheckoutPage')), signedIn: true },
  { path: '/orders', page: lazyPage(() => import('../pages/OrdersPage')), signedIn: true },
  { path: '/orders/:id', page: lazyPage(() => import('../pages/OrderPage')), signedIn: true },
  { path: '/friends', page: lazyPage(() => import('../pages/FriendsPage')), signedIn: true },
  { path: '/account', page: lazyPage(() => import('../pages/AccountPage')), signedIn: true },
  { path: '/account/deleted', page: lazyPage(() => import('../pages/AccountDeletedPage')) },
  { path: '/admin', page: lazyPage(() => import('../pages/admin/AdminPage')), signedIn: true },
  { path: '/admin/orders', page: lazyPage(() => import('../pages/admin/AdminOrdersPage')), signedIn: true },
  { path: '/admin/books/new', page: lazyPage(() => import('../pages/admin/BookEditorPage')), signedIn: true },
  { path: '/admin/books/:id/edit', page: lazyPage(() => import('../pages/admin/BookEditorPage')), signedIn: true },
  { path: '*', page: lazyPage(() => import('../pages/NotFoundPage')) },
];

/** Loads the chunk of the page a visit lands on, and starts its main request alongside. */
export async function preloadPage(location: { pathname: string; search: string }, services: Services, queryClient: QueryClient): Promise<void> {
  const route = ROUTES.find((r) => matchPath(r.path, location.pathname));
  route?.prefetch?.(services, queryClient, new URLSearchParams(location.search));
  await route?.page.preload();
}

function PageLoading() {
  return (
    <Loading label="Loading the page…">
      <div className="skeleton skeleton-heading" />
      <SkeletonLines count={4} />
    </Loading>
  );
}

function element({ page: Page, signedIn }: PageRoute): ReactNode {
  return signedIn ? (
    <RequireAuth>
      <Page />
    </RequireAuth>
  ) : (
    <Page />
  );
}

export function App() {
  return (
    <Layout>
      <SessionWatcher />
      <Suspense fallback={<PageLoading />}>
        <Routes>
          {ROUTES.map((route) => (
            <Route key={route.path} path={route.path} element={element(route)} />
          ))}
        </Routes>
      </Suspense>
    </Layout>
  );
}
