import { sameLines, validateQuantity, type Cart } from '../domain/cart.js';
import { AuthenticationError, NotFoundError } from '../domain/errors.js';
import { expiresAfter, guestCartId, isGuestToken, mergeLines, newGuestToken, type GuestCart } from '../domain/guest-cart.js';
import type { AttemptCounter } from '../ports/attempt-counter.js';
import type { Carts } from '../ports/carts.js';
import type { Catalog } from '../ports/catalog.js';
import type { GuestCarts } from '../ports/guest-carts.js';
import type { Metrics } from '../ports/metrics.js';
import { AttemptLimits, type AttemptLimitSettings, type Client } from './attempt-limits.js';
import { mixedCurrency, viewCart, type CartView } from './cart.js';
import { retryOnConflict } from './retry.js';

export interface GuestCartDeps {
  guestCarts: GuestCarts;
  carts: Carts;
  catalog: Catalog;
  attempts: AttemptCounter;
  attemptLimits: AttemptLimitSettings;
  metrics: Metrics;
  /** Seconds a guest cart lives after its last change. */
  guestCartTtlSeconds: number;
  now(): Date;
}

export interface NewGuestCart {
  /** The only copy of the token: the store keeps its digest. */
  token: string;
  expiresAt: string;
  cart: CartView;
}

export interface MergedCart {
  cart: CartView;
  /** Guest lines that could not join: the book left the catalog, is in another currency, or the cart was full. */
  notMerged: string[];
}

/**
 * A token that opens no cart is a credential that no longer works, as an expired access token is:
 * 401, so a client tells it from a 404 about the book. The token never appears in the message.
 */
const noSuchCart = () => new AuthenticationError('the Guest-Cart token opens no cart: it expired, was merged into an account, or was never issued; POST /api/v1/guest-cart starts a new one');

function asCart(guest: GuestCart): Cart {
  return { userId: guest.id, lines: guest.lines, version: guest.version, updatedAt: guest.updatedAt };
}

/**
 * Carts for visitors without an account. The server issues the token (a visitor cannot pick one),
 * counts new carts per client address, and prices every view from the catalog as for customers.
 * Checkout still needs an account: signing in merges the guest cart into the account's.
 */
export function guestCartUseCases(deps: GuestCartDeps) {
  const { guestCarts, carts, catalog, now } = deps;
  const limits = new AttemptLimits(deps.attempts, deps.attemptLimits, deps.metrics);
  const ttl = deps.guestCartTtlSeconds;

  function idOf(token: string): string {
    if (!isGuestToken(token)) throw new AuthenticationError('the Guest-Cart header must be the token POST /api/v1/guest-cart issued');
    return guestCartId(token);
  }

  async function view(guest: GuestCart): Promise<CartView> {
    return viewCart(asCart(guest), await catalog.getMany(guest.lines.map((l) => l.bookId)));
  }

  return {
    async create(client: Client): Promise<NewGuestCart> {
      await limits.guestCart(client);
      const token = newGuestToken();
      const at = now().toISOString();
      const guest = await guestCarts.create(guestCartId(token), at, expiresAfter(at, ttl));
      return { token, expiresAt: guest.expiresAt, cart: await view(guest) };
    },

    async get(token: string): Promise<CartView> {
      const guest = await guestCarts.get(idOf(token), now().toISOString());
      if (!guest) throw noSuchCart();
      return view(guest);
    },

    /** As the customer's cart: a quantity only, the book must exist, and one currency per cart. */
    async setQuantity(token: string, bookId: string, quantity: number): Promise<CartView> {
      const id = idOf(token);
      validateQuantity(quantity);
      const at = now().toISOString();
      const current = await guestCarts.get(id, at);
      if (!current) throw noSuchCart();
      const book = await catalog.get(bookId);
      if (!book) throw new NotFoundError('book', bookId);
      const others = await catalog.getMany(current.lines.filter((l) => l.bookId !== bookId).map((l) => l.bookId));
      const other = [...others.values()].find((b) => b.currency !== book.currency);
      if (other) throw mixedCurrency(book.currency, other.currency);
      const guest = await guestCarts.setLine(id, bookId, quantity, at, expiresAfter(at, ttl));
      if (!guest) throw noSuchCart();
      return view(guest);
    },

    async remove(token: string, bookId: string): Promise<CartView> {
      const at = now().toISOString();
      const guest = await guestCarts.removeLine(idOf(token), bookId, at, expiresAfter(at, ttl));
      if (!guest) throw noSuchCart();
      return view(guest);
    },

    /**
     * Moves a guest cart into the customer's cart: quantities of a book in both are added and capped
     * at the per-line limit; new books join while the cart has room and share its currency. The
     * guest cart is taken first, so two concurrent merges (two tabs signing in) add it only once;
     * if the account's cart cannot be written, the guest cart is put back.
     */
    async merge(userId: string, token: string): Promise<MergedCart> {
      const guest = await guestCarts.take(idOf(token), now().toISOString());
      if (!guest) throw noSuchCart();
      try {
        return await retryOnConflict(async () => {
          const cart = await carts.get(userId);
          const books = await catalog.getMany([...new Set([...cart.lines, ...guest.lines].map((l) => l.bookId))]);
          let currency = cart.lines.map((l) => books.get(l.bookId)?.currency).find((c) => c !== undefined) ?? null;
          const accepts = (bookId: string) => {
            const book = books.get(bookId);
            if (!book) return false;
            currency ??= book.currency;
            return book.currency === currency;
          };
          const { lines, left } = mergeLines(cart.lines, guest.lines, accepts);
          const saved = sameLines(lines, cart.lines) ? cart : await carts.save(userId, lines, cart.version);
          return { cart: viewCart(saved, books), notMerged: left.map((l) => l.bookId) };
        });
      } catch (error) {
        await guestCarts.restore(guest).catch(() => undefined);
        throw error;
      }
    },
  };
}
