import { useEffect, useRef, type ReactNode } from 'react';
import { Navigate, useLocation, useNavigate, type Location } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { useSession, useSessionStore } from '../app/services';

export function signInPath(location: Pick<Location, 'pathname' | 'search'>, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams({ next: location.pathname + location.search, ...extra });
  return `/signin?${params.toString()}`;
}

/** Only same-site paths: `next` comes from the URL and must not send anyone to another site. */
export function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
}

/** Pages that need an account send visitors to sign in, and back here afterwards. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const store = useSessionStore();
  const session = useSession();
  const location = useLocation();
  if (!session) return <Navigate to={signInPath(location, store.lastEndReason() === 'expired' ? { expired: '1' } : {})} replace />;
  return <>{children}</>;
}

/**
 * When the server refuses the token (expired, revoked, signing key rotated) the API client clears
 * the session; this sends the user to sign in and back, and forgets what the old session fetched.
 */
export function SessionWatcher() {
  const store = useSessionStore();
  const session = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const queryClient = useQueryClient();
  const previousUser = useRef(session?.user.id ?? null);
  const locationRef = useRef(location);
  locationRef.current = location;

  useEffect(() => {
    const userId = session?.user.id ?? null;
    if (previousUser.current !== null && userId !== previousUser.current) {
      queryClient.removeQueries({ queryKey: ['user', previousUser.current] });
      const here = locationRef.current;
      if (userId === null && store.lastEndReason() === 'expired' && here.pathname !== '/signin') {
        navigate(signInPath(here, { expired: '1' }), { replace: true });
      }
    }
    previousUser.current = userId;
  }, [session, store, navigate, queryClient]);

  return null;
}
