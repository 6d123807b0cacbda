import { newPseudonym } from '../domain/account-deletion.js';
import { AuthenticationError, ForbiddenError, NotFoundError } from '../domain/errors.js';
import { normalizeEmail, type User } from '../domain/user.js';
import type { AttemptCounter } from '../ports/attempt-counter.js';
import type { Carts } from '../ports/carts.js';
import type { Friendships } from '../ports/friendships.js';
import type { Identity } from '../ports/identity.js';
import type { Metrics } from '../ports/metrics.js';
import type { Orders } from '../ports/orders.js';
import type { Reviews } from '../ports/reviews.js';
import type { Users } from '../ports/users.js';
import { AttemptLimits, type AttemptLimitSettings, type Client } from './attempt-limits.js';

/** The stores an account's data lives in. */
export interface AccountErasureDeps {
  identity: Identity;
  users: Users;
  carts: Carts;
  orders: Orders;
  friendships: Friendships;
  reviews: Reviews;
}

export interface AccountDeletionDeps extends AccountErasureDeps {
  metrics: Metrics;
  attempts: AttemptCounter;
  attemptLimits: AttemptLimitSettings;
}

/** Orders read per page; each anonymised order leaves the customer's listing, so the first page is read again. */
const PAGE = 100;

/**
 * Erasing an account, from the system of record only: every derived store follows through the
 * change feed (the graph forgets the user on the `user` remove event, book ratings move with each
 * review's removal, search and the book cache with each book's change), so a rebuild after the
 * deletion finds nothing of the person either. Shared by the customer's own deletion and the
 * operator's (`bookstore account delete`), which also finishes one that failed half-way.
 */
export function accountErasure({ identity, users, carts, orders, friendships, reviews }: AccountErasureDeps) {
  /** Every book the customer ever ordered, for finding reviews an index has not caught up with. */
  async function orderedBooks(userId: string): Promise<Set<string>> {
    const books = new Set<string>();
    let cursor: string | undefined;
    do {
      const page = await orders.listByUser(userId, { cursor, limit: PAGE });
      for (const order of page.items) for (const line of order.lines) books.add(line.bookId);
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    return books;
  }

  /** Removes the customer's reviews (each moves its book's rating back in the same transaction). */
  async function removeReviews(userId: string): Promise<void> {
    // Only buyers review, so the books of the orders name every review even where the by-customer
    // index (DynamoDB's GSI) lags a fresh write.
    const books = new Set([...(await reviews.listByUser(userId)).map((r) => r.bookId), ...(await orderedBooks(userId))]);
    for (const bookId of books) {
      if (!(await reviews.get(bookId, userId))) continue;
      await reviews.delete(bookId, userId).catch((e: unknown) => {
        if (!(e instanceof NotFoundError)) throw e;
      });
    }
  }

  async function removeFriendships(userId: string): Promise<void> {
    for (const f of await friendships.listFor(userId)) await friendships.remove(f.userA, f.userB);
  }

  /** Keeps each order for the shop's books under a pseudonym of its own, with the address gone. */
  async function anonymiseOrders(userId: string): Promise<void> {
    for (;;) {
      const page = await orders.listByUser(userId, { limit: PAGE });
      if (page.items.length === 0) return;
      for (const order of page.items) {
        await orders.anonymise(userId, order.id, newPseudonym()).catch((e: unknown) => {
          if (!(e instanceof NotFoundError)) throw e;
        });
      }
    }
  }

  /** What the record holds of the person besides the profile and credentials. */
  async function eraseData(userId: string): Promise<void> {
    await removeReviews(userId);
    await removeFriendships(userId);
    await carts.delete(userId);
    await anonymiseOrders(userId);
  }

  /**
   * Everything but the password check, in an order that keeps a failure retryable for as long as it
   * can be: the person's data first, then the credentials, then the profile (after which the account's
   * tokens stop working), then the data once more, for a cart line, friendship, review or order written
   * meanwhile by a request already past its token check.
   */
  async function erase(user: User): Promise<void> {
    await eraseData(user.id);
    await identity.deleteAccount(user);
    await users.delete(user.id);
    await eraseData(user.id);
  }

  return {
    erase,
    /**
     * The operator's deletion, by email, with no password: for a request that came by other means,
     * or to finish a deletion that failed after the credentials went. Admins too (the operator decides).
     */
    async eraseByEmail(email: string): Promise<User> {
      const user = await users.findByEmail(normalizeEmail(email));
      if (!user) throw new NotFoundError('account', normalizeEmail(email));
      await erase(user);
      return user;
    },
  };
}

export function accountDeletionUseCases(deps: AccountDeletionDeps) {
  const { identity, users, metrics, attempts, attemptLimits } = deps;
  const limits = new AttemptLimits(attempts, attemptLimits, metrics);
  const { erase } = accountErasure(deps);

  return {
    /**
     * Deletes the caller's account after checking its password again (a token alone, perhaps left in an
     * unlocked browser, is not enough): 403 naming `password` when it is wrong, counted by the sign-in
     * limits so a stolen token cannot be used to guess it. An admin account cannot delete itself, so a
     * shop never loses its last admin by a click. 401 once the account is gone.
     */
    async deleteAccount(userId: string, password: string, client: Client): Promise<void> {
      const user = await users.get(userId);
      if (!user) throw new AuthenticationError('the account of this token no longer exists');
      if (user.role === 'admin') throw new ForbiddenError('an admin account cannot delete itself, so a store never loses its last admin: ask the operator of the store');
      await limits.signIn(user.email, client);
      try {
        await identity.signIn(user.email, password);
      } catch (e) {
        if (!(e instanceof AuthenticationError)) throw e;
        metrics.signInFailed();
        throw new ForbiddenError('the password is wrong: send the password of this account to delete it', 'password');
      }
      await limits.signedIn(user.email);
      await erase(user);
    },
  };
}
