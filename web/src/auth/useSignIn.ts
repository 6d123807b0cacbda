import { useNavigate, useSearchParams } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import type { LoginResult } from '../api/types';
import { userKey, useSessionStore } from '../app/services';
import { safeNext } from './guards';

/** Keeps a fresh token and goes back to the page that asked for it. */
export function useStartSession(): (login: LoginResult) => void {
  const store = useSessionStore();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const queryClient = useQueryClient();
  return (login) => {
    // The guest cart was merged into the account's at sign-in (api.signIn): forget the visitor's copy.
    queryClient.removeQueries({ queryKey: userKey(null) });
    store.set({ token: login.accessToken, user: login.user, expiresAt: Date.now() + login.expiresIn * 1000 });
    navigate(safeNext(params.get('next')), { replace: true });
  };
}
