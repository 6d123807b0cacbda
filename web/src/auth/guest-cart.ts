/**
 * The token of this browser's guest cart, issued by the server (POST /api/v1/guest-cart) and sent
 * back in the Guest-Cart header, as the access token is sent in Authorization: never a cookie, so
 * no other site's page can make the browser use it. It lives in localStorage, unlike the access
 * token: a visitor expects the cart to survive closing the tab, and the token opens nothing but the
 * cart (no account, no address, no order). The server forgets the cart after a period without a
 * change, or once it is merged into an account on sign-in.
 */
export interface GuestCartStore {
  get(): string | null;
  set(token: string): void;
  clear(): void;
}

const STORAGE_KEY = 'bookstore.guestCart';
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export function createGuestCartStore(storage: Storage | null): GuestCartStore {
  let current: string | null = null;
  try {
    const stored = storage?.getItem(STORAGE_KEY) ?? null;
    current = stored !== null && TOKEN.test(stored) ? stored : null;
  } catch {
    current = null;
  }
  return {
    get: () => current,
    set(token) {
      current = token;
      try {
        storage?.setItem(STORAGE_KEY, token);
      } catch {
        // Storage full or disabled: the cart still works for this page.
      }
    },
    clear() {
      current = null;
      try {
        storage?.removeItem(STORAGE_KEY);
      } catch {
        // Nothing to undo.
      }
    },
  };
}

/** localStorage when the browser lets us use it. */
export function browserLocalStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}
