import { join } from 'node:path';
import type { Config } from './config.js';
import type { Catalog } from './ports/catalog.js';
import type { Users } from './ports/users.js';
import type { Carts } from './ports/carts.js';
import type { Orders } from './ports/orders.js';
import type { Friendships } from './ports/friendships.js';
import type { ChangeFeed, Snapshots } from './ports/change-feed.js';
import type { Identity } from './ports/identity.js';
import type { SearchIndex } from './ports/search-index.js';
import type { BestsellerBoard } from './ports/bestseller-board.js';
import type { SocialGraph } from './ports/social-graph.js';
import { openSqliteSystemOfRecord } from './adapters/embedded/sqlite-system-of-record.js';
import { SqliteSearchIndex } from './adapters/embedded/sqlite-search-index.js';
import { SqliteBestsellerBoard } from './adapters/embedded/sqlite-bestseller-board.js';
import { SqliteSocialGraph } from './adapters/embedded/sqlite-social-graph.js';
import { SqliteCheckpointStore } from './adapters/embedded/sqlite-checkpoint-store.js';
import { LocalIdentity } from './adapters/embedded/local-identity.js';
import { ChangeFeedRunner, type RunnerLogger } from './projections/runner.js';
import type { ProjectionRunner } from './projections/projection-runner.js';
import { SearchProjection } from './projections/search-projection.js';
import { BestsellersProjection } from './projections/bestsellers-projection.js';
import { GraphProjection } from './projections/graph-projection.js';
import { openEnginesStore } from './composition-engines.js';

/** Every port the application uses, wired to concrete adapters, plus the projection runner. */
export interface Store {
  readonly config: Config;
  readonly catalog: Catalog;
  readonly users: Users;
  readonly carts: Carts;
  readonly orders: Orders;
  readonly friendships: Friendships;
  /** The numbered outbox log (embedded profile); null where changes flow through DynamoDB Streams. */
  readonly changeFeed: ChangeFeed | null;
  readonly snapshots: Snapshots;
  readonly identity: Identity;
  readonly searchIndex: SearchIndex;
  readonly bestsellers: BestsellerBoard;
  readonly graph: SocialGraph;
  /** Feeds the derived stores from the change feed; started by `serve`, driven by hand in the CLI. */
  readonly projections: ProjectionRunner;
  close(): Promise<void>;
}

/**
 * The composition root: the one place that picks adapters. Each port has one switch on the profile;
 * the embedded adapters are the default.
 */
export interface StoreOptions {
  logger?: RunnerLogger;
}

export async function openStore(config: Config, options: StoreOptions = {}): Promise<Store> {
  switch (config.profile) {
    case 'embedded':
      return openEmbeddedStore(config, options);
    case 'engines':
      return openEnginesStore(config, options);
    default: {
      const unknown: never = config.profile;
      throw new Error(`unknown profile "${String(unknown)}": set BOOKSTORE_PROFILE to embedded or engines`);
    }
  }
}

async function openEmbeddedStore(config: Config, options: StoreOptions): Promise<Store> {
  const dir = config.dataDir;
  const sor = openSqliteSystemOfRecord(join(dir, 'store.db'));
  const searchIndex = SqliteSearchIndex.open(join(dir, 'search.db'));
  const bestsellers = SqliteBestsellerBoard.open(join(dir, 'bestsellers.db'));
  const graph = SqliteSocialGraph.open(join(dir, 'graph.db'));
  const identity = await LocalIdentity.open({
    users: sor.users,
    keyFile: join(dir, 'jwt-signing-key.json'),
    scryptCost: config.scryptCost,
    tokenTtlSeconds: config.tokenTtlSeconds,
  });
  const projections = new ChangeFeedRunner({
    feed: sor.changeFeed,
    snapshots: sor.snapshots,
    logger: options.logger,
    consumers: [
      { projection: new SearchProjection(searchIndex), checkpoints: new SqliteCheckpointStore(searchIndex.db) },
      { projection: new BestsellersProjection(bestsellers), checkpoints: new SqliteCheckpointStore(bestsellers.db) },
      { projection: new GraphProjection(graph), checkpoints: new SqliteCheckpointStore(graph.db) },
    ],
  });
  return {
    config,
    catalog: sor.catalog,
    users: sor.users,
    carts: sor.carts,
    orders: sor.orders,
    friendships: sor.friendships,
    changeFeed: sor.changeFeed,
    snapshots: sor.snapshots,
    identity,
    searchIndex,
    bestsellers,
    graph,
    projections,
    async close() {
      await projections.stop();
      await Promise.all([searchIndex.close(), bestsellers.close(), graph.close()]);
      await sor.close();
    },
  };
}
