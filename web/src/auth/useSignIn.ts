import { useNavigate, useSearchParams } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import type { SignInResult } from '../api/types';
import { userKey, useSessionStore } from '../app/services';
import type { CartMergeState } from '../components/CartMergeNotice';
import { safeNext } from './guards';

/** Keeps a fresh token and goes back to the page that asked for it. */
export function useStartSession(): (login: SignInResult) => void {
  const store = useSessionStore();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const queryClient = useQueryClient();
  return (login) => {
    // The guest cart was merged into the account's at sign-in (api.signIn): forget the visitor's copy.
    queryClient.removeQueries({ queryKey: userKey(null) });
    store.set({ token: login.accessToken, user: login.user, expiresAt: Date.now() + login.expiresIn * 1000 });
    // What did not come along is told on the page the shopper lands on (CartMergeNotice).
    const state: CartMergeState | undefined = login.notMerged.length > 0 ? { notMerged: login.notMerged } : undefined;
    navigate(safeNext(params.get('next')), { replace: true, state });
  };
}
