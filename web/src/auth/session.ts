import type { User } from '../api/types';

export interface Session {
  token: string;
  user: User;
  /** Epoch milliseconds after which the token is no longer accepted. */
  expiresAt: number;
}

/** Why the session ended: the user signed out, or the server refused the token. */
export type EndReason = 'signed-out' | 'expired';

export interface SessionStore {
  get(): Session | null;
  set(session: Session): void;
  clear(reason: EndReason): void;
  /** The reason of the last clear, for the sign-in page to explain itself. */
  lastEndReason(): EndReason | null;
  subscribe(listener: () => void): () => void;
}

const STORAGE_KEY = 'bookstore.session';

function isSession(value: unknown): value is Session {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.token === 'string' && typeof v.expiresAt === 'number' && typeof v.user === 'object' && v.user !== null;
}

function readStored(storage: Storage | null): Session | null {
  try {
    const raw = storage?.getItem(STORAGE_KEY);
    if (!raw) return null;
    const parsed: unknown = JSON.parse(raw);
    return isSession(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

/**
 * The access token lives in memory and in sessionStorage: it survives a reload of this tab but not
 * the tab itself, and unlike localStorage it is not shared with every other tab of the origin.
 */
export function createSessionStore(storage: Storage | null, now: () => number = Date.now): SessionStore {
  let current = readStored(storage);
  let endReason: EndReason | null = null;
  const listeners = new Set<() => void>();
  const notify = () => listeners.forEach((l) => l());

  const store: SessionStore = {
    // An expired token is treated as absent; the first 401 from the server clears it for good.
    get: () => (current && current.expiresAt > now() ? current : null),
    set(session) {
      current = session;
      endReason = null;
      try {
        storage?.setItem(STORAGE_KEY, JSON.stringify(session));
      } catch {
        // Storage can be full or disabled (private mode): the in-memory session still works for this page.
      }
      notify();
    },
    clear(reason) {
      if (current === null) return;
      current = null;
      endReason = reason;
      try {
        storage?.removeItem(STORAGE_KEY);
      } catch {
        // Nothing to undo: the in-memory session is gone either way.
      }
      notify();
    },
    lastEndReason: () => endReason,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return store;
}

/** sessionStorage when the browser lets us use it (it throws in some privacy modes). */
export function browserSessionStorage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}
