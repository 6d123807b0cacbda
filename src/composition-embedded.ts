import { join } from 'node:path';
import type { Config } from './config.js';
import type { ResolvedStoreOptions, Store } from './composition.js';
import { openSqliteSystemOfRecord } from './adapters/embedded/sqlite-system-of-record.js';
import { SqliteSearchIndex } from './adapters/embedded/sqlite-search-index.js';
import { SqliteBestsellerBoard } from './adapters/embedded/sqlite-bestseller-board.js';
import { SqliteSocialGraph } from './adapters/embedded/sqlite-social-graph.js';
import { SqliteCheckpointStore } from './adapters/embedded/sqlite-checkpoint-store.js';
import { MemoryAttemptCounter } from './adapters/embedded/memory-attempt-counter.js';
import { LocalIdentity } from './adapters/embedded/local-identity.js';
import { ChangeFeedRunner } from './projections/runner.js';
import { SearchProjection } from './projections/search-projection.js';
import { BestsellersProjection } from './projections/bestsellers-projection.js';
import { GraphProjection } from './projections/graph-projection.js';

/**
 * Events per batch when catching up (after an import, at start): a few MiB of events at a time, and
 * big enough that the search vocabulary is updated once per several thousand books.
 */
const CATCH_UP_BATCH = 5000;

/** Page cache per connection of a bulk load (store.db and search.db): their indexes at about 1M books. */
const BULK_LOAD_CACHE_MIB = 256;

/** The embedded profile: SQLite files in the data directory, the outbox feeding the derived stores in-process. */
export async function openEmbeddedStore(config: Config, options: ResolvedStoreOptions): Promise<Store> {
  const dir = config.dataDir;
  const cacheMiB = options.bulkLoad ? BULK_LOAD_CACHE_MIB : undefined;
  const sor = openSqliteSystemOfRecord(join(dir, 'store.db'), { cacheMiB, checkpoints: options.serving ? 'background' : 'in-commit' });
  const searchIndex = SqliteSearchIndex.open(join(dir, 'search.db'), { cacheMiB });
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
    catchUpBatchSize: CATCH_UP_BATCH,
    logger: options.logger,
    metrics: options.metrics,
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
    reviews: sor.reviews,
    guestCarts: sor.guestCarts,
    changeFeed: sor.changeFeed,
    snapshots: sor.snapshots,
    identity,
    searchIndex,
    bestsellers,
    graph,
    bookCache: null,
    projections,
    metrics: options.metrics,
    rebuilds: null,
    // One process serves the embedded store, so its memory is where everyone's attempts are counted.
    attempts: new MemoryAttemptCounter(),
    async close() {
      await projections.stop();
      await Promise.all([searchIndex.close(), bestsellers.close(), graph.close()]);
      await sor.close();
    },
  };
}
