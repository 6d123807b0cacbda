import { useNavigate, useSearchParams } from 'react-router';
import type { LoginResult } from '../api/types';
import { useSessionStore } from '../app/services';
import { safeNext } from './guards';

/** Keeps a fresh token and goes back to the page that asked for it. */
export function useStartSession(): (login: LoginResult) => void {
  const store = useSessionStore();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  return (login) => {
    store.set({ token: login.accessToken, user: login.user, expiresAt: Date.now() + login.expiresIn * 1000 });
    navigate(safeNext(params.get('next')), { replace: true });
  };
}
