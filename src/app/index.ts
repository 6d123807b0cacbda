import type { AttemptCounter } from '../ports/attempt-counter.js';
import type { BestsellerBoard } from '../ports/bestseller-board.js';
import type { Snapshots } from '../ports/change-feed.js';
import type { Carts } from '../ports/carts.js';
import type { Catalog } from '../ports/catalog.js';
import type { Friendships } from '../ports/friendships.js';
import type { GuestCarts } from '../ports/guest-carts.js';
import type { Identity } from '../ports/identity.js';
import type { Metrics } from '../ports/metrics.js';
import type { Orders } from '../ports/orders.js';
import type { Payments } from '../ports/payments.js';
import type { Reviews } from '../ports/reviews.js';
import type { SearchIndex } from '../ports/search-index.js';
import type { SocialGraph } from '../ports/social-graph.js';
import type { Users } from '../ports/users.js';
import { accountDeletionUseCases } from './account-deletion.js';
import { accountUseCases } from './accounts.js';
import type { AttemptLimitSettings } from './attempt-limits.js';
import { auditUseCases } from './audit.js';
import { bestsellerUseCases } from './bestsellers.js';
import { cartUseCases } from './cart.js';
import { catalogUseCases } from './catalog.js';
import { checkoutUseCases } from './checkout.js';
import { friendUseCases } from './friends.js';
import { guestCartUseCases } from './guest-cart.js';
import { operationUseCases } from './operations.js';
import type { ProjectionControl } from '../ports/projection-control.js';
import { orderUseCases } from './orders.js';
import { recommendationUseCases } from './recommendations.js';
import { reviewUseCases } from './reviews.js';
import { searchUseCases } from './search.js';

/** The ports the use cases need; a Store satisfies it as is. `now` defaults to the system clock. */
export interface UseCaseDeps {
  catalog: Catalog;
  users: Users;
  carts: Carts;
  /** Visitors' carts, and how long one lives after its last change. */
  guestCarts: GuestCarts;
  guestCartTtlSeconds: number;
  orders: Orders;
  /** Takes the money at checkout (the test provider until a real one is configured). */
  payments: Payments;
  friendships: Friendships;
  reviews: Reviews;
  identity: Identity;
  searchIndex: SearchIndex;
  bestsellers: BestsellerBoard;
  graph: SocialGraph;
  projections: ProjectionControl;
  /** Point-in-time reads of the record, for the drift audit. */
  snapshots: Snapshots;
  metrics: Metrics;
  /** Where sign-in and sign-up attempts are counted, and how many each window allows. */
  attempts: AttemptCounter;
  attemptLimits: AttemptLimitSettings;
  now?: () => Date;
}

export function createUseCases(deps: UseCaseDeps) {
  const withClock = { ...deps, now: deps.now ?? (() => new Date()) };
  return {
    accounts: accountUseCases(withClock),
    accountDeletion: accountDeletionUseCases(withClock),
    catalog: catalogUseCases(withClock),
    search: searchUseCases(withClock),
    cart: cartUseCases(withClock),
    guestCart: guestCartUseCases(withClock),
    checkout: checkoutUseCases(withClock),
    orders: orderUseCases(withClock),
    bestsellers: bestsellerUseCases(withClock),
    recommendations: recommendationUseCases(withClock),
    friends: friendUseCases(withClock),
    reviews: reviewUseCases(withClock),
    operations: operationUseCases(withClock),
    audit: auditUseCases(withClock),
  };
}

export type UseCases = ReturnType<typeof createUseCases>;
