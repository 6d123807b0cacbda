import type { ReactNode } from 'react';
import { cleanup, render, waitFor } from '@testing-library/react';
import type { QueryClient } from '@tanstack/react-query';
import { MemoryRouter, useLocation } from 'react-router';
import { startApi, type Account, type ApiHarness } from '../../test/api/harness';
import { createQueryClient, createServices, ServicesProvider } from '../src/app/services';
import { createSessionStore, type Session } from '../src/auth/session';
import type { GuestCartStore } from '../src/auth/guest-cart';
import type { User } from '../src/api/types';

/**
 * The real API server on a temp store, with the test page moved to its origin: the app calls it
 * with relative URLs exactly as it does when `npm start` serves it.
 */
export async function startStore(): Promise<ApiHarness> {
  const api = await startApi();
  (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(`${api.baseUrl}/`);
  return api;
}

export async function sessionOf(api: ApiHarness, account: Account): Promise<Session> {
  const me = await api.request<{ user: User }>('GET', '/api/v1/me', { token: account.token });
  return { token: account.token, user: me.body.user, expiresAt: Date.now() + 3_600_000 };
}

export interface RecordedRequest {
  method: string;
  url: URL;
  headers: Headers;
  body: unknown;
  status: number | null;
}

/**
 * The page's fetch, recording every request the app sends. `loseResponse` decides, per request,
 * whether to drop the answer after the server has handled it, as a connection that breaks on the
 * way back would.
 */
export function recordingFetch(loseResponse: (request: RecordedRequest) => boolean = () => false) {
  const requests: RecordedRequest[] = [];
  const fetchImpl: typeof fetch = async (input, init) => {
    const url = new URL(String(input), window.location.href);
    const text = typeof init?.body === 'string' ? init.body : null;
    const recorded: RecordedRequest = {
      method: init?.method ?? 'GET',
      url,
      headers: new Headers(init?.headers),
      body: text === null ? null : JSON.parse(text),
      status: null,
    };
    requests.push(recorded);
    const response = await window.fetch(input, init);
    recorded.status = response.status;
    if (loseResponse(recorded)) throw new TypeError('Failed to fetch');
    return response;
  };
  return { fetch: fetchImpl, requests };
}

function LocationProbe() {
  const location = useLocation();
  return <output data-testid="location">{location.pathname + location.search}</output>;
}

export function currentLocation(container: HTMLElement = document.body): string {
  return container.querySelector('[data-testid="location"]')?.textContent ?? '';
}

const rendered: QueryClient[] = [];

/** Unmounts what a test rendered once its requests have settled (an unmount mid-request only adds noise). */
export async function settleAndCleanup(): Promise<void> {
  await waitFor(() => {
    if (rendered.some((client) => client.isFetching() > 0 || client.isMutating() > 0)) throw new Error('requests still in flight');
  });
  rendered.length = 0;
  cleanup();
}

/** Renders `ui` with the app's services, a router at `route`, and an optional signed-in session. */
export function renderWithServices(ui: ReactNode, options: { route?: string; session?: Session; fetch?: typeof fetch; guestCart?: GuestCartStore } = {}) {
  const session = createSessionStore(null);
  if (options.session) session.set(options.session);
  const services = createServices({ baseUrl: '', session, ...(options.fetch ? { fetch: options.fetch } : {}), ...(options.guestCart ? { guestCart: options.guestCart } : {}) });
  const queryClient = createQueryClient();
  rendered.push(queryClient);
  const result = render(
    <ServicesProvider services={services} queryClient={queryClient}>
      <MemoryRouter initialEntries={[options.route ?? '/']}>
        {ui}
        <LocationProbe />
      </MemoryRouter>
    </ServicesProvider>,
  );
  return { ...result, session, queryClient };
}
