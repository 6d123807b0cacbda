import { useEffect, useRef, type ReactNode } from 'react';
import { Link, NavLink, useLocation, useNavigate } from 'react-router';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { CartMergeNotice } from '../components/CartMergeNotice';
import { SearchBox } from '../components/SearchBox';
import { useApi, useSession, useSessionStore, userKey } from './services';

function CartLink() {
  const api = useApi();
  const session = useSession();
  // A visitor's guest cart too: with no token yet, api.cart answers an empty cart without a request.
  const cart = useQuery({ queryKey: userKey(session, 'cart'), queryFn: ({ signal }) => api.cart(signal) });
  const count = cart.data?.itemCount ?? 0;
  return (
    <NavLink to="/cart" className="nav-link">
      Cart
      {count > 0 && (
        <>
          {' '}
          <span className="badge">{count}</span>
          <span className="visually-hidden"> {count === 1 ? 'item' : 'items'}</span>
        </>
      )}
    </NavLink>
  );
}

function AccountNav() {
  const session = useSession();
  const store = useSessionStore();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const location = useLocation();

  if (!session) {
    const next = new URLSearchParams({ next: location.pathname + location.search }).toString();
    return (
      <>
        <CartLink />
        <NavLink to={`/signin?${next}`} className="nav-link">
          Sign in
        </NavLink>
        <NavLink to={`/signup?${next}`} className="nav-link nav-link-strong">
          Sign up
        </NavLink>
      </>
    );
  }
  function signOut() {
    store.clear('signed-out');
    queryClient.removeQueries({ queryKey: ['user'] });
    navigate('/');
  }
  return (
    <>
      <NavLink to="/friends" className="nav-link">
        Friends
      </NavLink>
      <NavLink to="/orders" className="nav-link">
        Orders
      </NavLink>
      {session.user.role === 'admin' && (
        <NavLink to="/admin" className="nav-link">
          Admin
        </NavLink>
      )}
      <CartLink />
      <NavLink to="/account" className="nav-link">
        Account
      </NavLink>
      <button type="button" className="nav-link nav-button" onClick={signOut}>
        Sign out <span className="visually-hidden">{session.user.name}</span>
      </button>
    </>
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const location = useLocation();
  const mainRef = useRef<HTMLElement>(null);
  const firstRender = useRef(true);

  // After client-side navigation, focus moves to the new page as it would on a full page load.
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    mainRef.current?.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }, [location.pathname]);

  return (
    <>
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <header className="site-header">
        <div className="header-inner">
          <Link to="/" className="brand" aria-label="Bookstore home">
            <svg viewBox="0 0 32 32" width="28" height="28" aria-hidden="true" focusable="false">
              <rect width="32" height="32" rx="6" fill="#f5c542" />
              <path d="M8 7h7a3 3 0 0 1 3 3v15a2 2 0 0 0-2-2H8zM24 7h-4a2 2 0 0 0-2 2v16a2 2 0 0 1 2-2h4z" fill="#1d3a5f" />
            </svg>
            <span>Bookstore</span>
          </Link>
          <SearchBox />
          <nav aria-label="Account" className="account-nav">
            <AccountNav />
          </nav>
        </div>
      </header>
      <main id="main" ref={mainRef} tabIndex={-1} className="page">
        <CartMergeNotice />
        {children}
      </main>
      <footer className="site-footer">
        <p>
          Bookstore · prices include no real payment · <a href="/docs">API docs</a>
        </p>
      </footer>
    </>
  );
}
