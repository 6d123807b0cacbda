import type { Config } from './config.js';
import { NoopMetrics } from './adapters/noop-metrics.js';
import type { BookCache } from './ports/book-cache.js';
import type { Catalog } from './ports/catalog.js';
import type { Users } from './ports/users.js';
import type { Carts } from './ports/carts.js';
import type { Orders } from './ports/orders.js';
import type { Friendships } from './ports/friendships.js';
import type { Reviews } from './ports/reviews.js';
import type { GuestCarts } from './ports/guest-carts.js';
import type { ChangeFeed, Snapshots } from './ports/change-feed.js';
import type { Identity } from './ports/identity.js';
import type { SearchIndex } from './ports/search-index.js';
import type { BestsellerBoard } from './ports/bestseller-board.js';
import type { SocialGraph } from './ports/social-graph.js';
import type { Metrics } from './ports/metrics.js';
import type { AttemptCounter } from './ports/attempt-counter.js';
import type { RunnerLogger } from './projections/runner.js';
import type { ProjectionRunner } from './projections/projection-runner.js';
import type { ChunkedRebuilder, RebuildJobControl } from './projections/chunked-rebuild.js';

/** Every port the application uses, wired to concrete adapters, plus the projection runner. */
export interface Store {
  readonly config: Config;
  readonly catalog: Catalog;
  readonly users: Users;
  readonly carts: Carts;
  readonly orders: Orders;
  readonly friendships: Friendships;
  readonly reviews: Reviews;
  /** Visitors' carts before they have an account; they expire (config.guestCartTtlSeconds). */
  readonly guestCarts: GuestCarts;
  /** The numbered outbox log (embedded profile); null where changes flow through DynamoDB Streams. */
  readonly changeFeed: ChangeFeed | null;
  readonly snapshots: Snapshots;
  readonly identity: Identity;
  readonly searchIndex: SearchIndex;
  readonly bestsellers: BestsellerBoard;
  readonly graph: SocialGraph;
  /** The shared cache `catalog` reads through (engines profile), fed by the change feed too; null where the catalog is in-process. */
  readonly bookCache: BookCache | null;
  /** Feeds the derived stores from the change feed; started by `serve`, driven by hand in the CLI. */
  readonly projections: ProjectionRunner;
  /** Where the use cases and the projection runner count business and health events. */
  readonly metrics: Metrics;
  /** Sign-in and sign-up attempt counters, shared by every process that serves the store. */
  readonly attempts: AttemptCounter;
  /** Rebuilds in resumable chunks, for the rebuild function (engines profile); null where rebuilds run in process only. */
  readonly rebuilds: ChunkedRebuilder | null;
  close(): Promise<void>;
}

/** The system of record and identity: what seeding, importing, making an admin and deleting an account write. */
export type RecordPorts = Pick<Store, 'config' | 'catalog' | 'users' | 'carts' | 'orders' | 'friendships' | 'reviews' | 'identity'>;

/**
 * The record's ports, opened on their own: on the engines profile with BOOKSTORE_DERIVED_STORES=deployed
 * it is all a laptop outside the VPC opens.
 */
export interface RecordStore extends RecordPorts, Pick<Store, 'close'> {
  /** Rebuild jobs run by the rebuild function (engines profile); null where rebuilds run in process. */
  readonly rebuildJobs: RebuildJobControl | null;
}

/**
 * The composition root: the one place that picks adapters. Each port has one switch on the profile;
 * the embedded adapters are the default.
 */
export interface StoreOptions {
  logger?: RunnerLogger;
  /**
   * The caller is about to write in bulk (an import): the embedded profile gives the connections to the
   * record and the search index large page caches (memory is only taken as pages are used).
   */
  bulkLoad?: boolean;
  /**
   * The caller is a long-running server: the embedded profile checkpoints the record's WAL on a worker
   * thread, so no request's commit pays for a checkpoint on the event loop.
   */
  serving?: boolean;
  /**
   * The runtime's metrics adapter (serve: Prometheus, Lambda: CloudWatch EMF); the runtime picks it,
   * not the profile. Defaults to none recorded, as the CLI wants.
   */
  metrics?: Metrics;
}

/** The options each profile's composition gets, with the defaults filled in. */
export interface ResolvedStoreOptions extends StoreOptions {
  metrics: Metrics;
}

export async function openStore(config: Config, options: StoreOptions = {}): Promise<Store> {
  const resolved: ResolvedStoreOptions = { ...options, metrics: options.metrics ?? new NoopMetrics() };
  switch (config.profile) {
    // Each profile loads only its own adapters: a Lambda bundle for the engines needs no SQLite.
    case 'embedded':
      return (await import('./composition-embedded.js')).openEmbeddedStore(config, resolved);
    case 'engines':
      return (await import('./composition-engines.js')).openEnginesStore(config, resolved);
    default: {
      const unknown: never = config.profile;
      throw new Error(`unknown profile "${String(unknown)}": set BOOKSTORE_PROFILE to embedded or engines`);
    }
  }
}


/**
 * Opens only the system of record where the derived stores are out of reach (engines profile with
 * BOOKSTORE_DERIVED_STORES=deployed); otherwise the whole store, whose derived stores the caller keeps
 * up to date itself.
 */
export async function openRecordStore(config: Config, options: StoreOptions = {}): Promise<RecordStore & { store: Store | null }> {
  if (config.profile === 'engines' && config.engines?.derivedStores === 'deployed') {
    return { ...(await (await import('./composition-engines.js')).openEnginesRecord(config)), store: null };
  }
  const store = await openStore(config, options);
  return { ...store, rebuildJobs: store.rebuilds, store };
}
