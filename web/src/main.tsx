import { startTransition, StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { App, preloadPage } from './app/App';
import { createQueryClient, createServices, ServicesProvider } from './app/services';
import { browserSessionStorage, createSessionStore } from './auth/session';
import { browserLocalStorage, createGuestCartStore } from './auth/guest-cart';
import { warmUpNumberFormatting } from './lib/money';
import './styles.css';

/** Empty means "the origin this page came from"; the AWS build points it at API Gateway. */
const apiBaseUrl = import.meta.env.VITE_API_BASE_URL ?? '';

const services = createServices({ baseUrl: apiBaseUrl, session: createSessionStore(browserSessionStorage()), guestCart: createGuestCartStore(browserLocalStorage()) });
const queryClient = createQueryClient();

// A task of its own, run while the landing page's chunk downloads (see warmUpNumberFormatting).
setTimeout(warmUpNumberFormatting, 0);

// The landing page's chunk first, so the first render shows it (and starts its requests) at once.
await preloadPage(window.location, services, queryClient).catch(() => undefined);

const root = createRoot(document.getElementById('root')!);
// As a transition, React renders the first screen in slices of a few milliseconds, giving the
// browser its turn in between, instead of in one task that blocks a phone for a fifth of a second.
startTransition(() =>
  root.render(
    <StrictMode>
      <ServicesProvider services={services} queryClient={queryClient}>
        <BrowserRouter>
          <App />
        </BrowserRouter>
      </ServicesProvider>
    </StrictMode>,
  ),
);
