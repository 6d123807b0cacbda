import { createContext, useContext, useSyncExternalStore, type ReactNode } from 'react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { ApiError, createApiClient } from '../api/client';
import { createEndpoints, type Endpoints } from '../api/endpoints';
import type { Session, SessionStore } from '../auth/session';
import type { GuestCartStore } from '../auth/guest-cart';

export interface Services {
  api: Endpoints;
  session: SessionStore;
}

const ServicesContext = createContext<Services | null>(null);

export function createServices(options: { baseUrl: string; session: SessionStore; guestCart?: GuestCartStore; fetch?: typeof fetch }): Services {
  const client = createApiClient({ baseUrl: options.baseUrl, session: options.session, ...(options.fetch ? { fetch: options.fetch } : {}) });
  const owner = options.guestCart ? { session: options.session, guestCart: options.guestCart } : undefined;
  return { api: createEndpoints(client, owner), session: options.session };
}

/** Client errors will fail the same way again; only network trouble and 5xx are worth a retry. */
function shouldRetry(failureCount: number, error: unknown): boolean {
  if (error instanceof ApiError && error.status < 500) return false;
  return failureCount < 2;
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { staleTime: 30_000, gcTime: 5 * 60_000, retry: shouldRetry, refetchOnWindowFocus: false },
      mutations: { retry: false },
    },
  });
}

export function ServicesProvider({ services, queryClient, children }: { services: Services; queryClient: QueryClient; children: ReactNode }) {
  return (
    <ServicesContext.Provider value={services}>
      <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
    </ServicesContext.Provider>
  );
}

function useServices(): Services {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('ServicesProvider is missing');
  return services;
}

export const useApi = (): Endpoints => useServices().api;
export const useSessionStore = (): SessionStore => useServices().session;

export function useSession(): Session | null {
  const store = useSessionStore();
  return useSyncExternalStore(store.subscribe, store.get, store.get);
}

/** Query keys of data that belongs to one signed-in user: dropped when they sign out. */
export function userKey(session: Session | null, ...rest: unknown[]): unknown[] {
  return ['user', session?.user.id ?? 'anonymous', ...rest];
}
