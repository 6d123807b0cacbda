import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Client as OpenSearchClient } from '@opensearch-project/opensearch';
import { AwsSigv4Signer } from '@opensearch-project/opensearch/aws-v3';
import type { Config, EnginesConfig } from './config.js';
import type { RecordStore, ResolvedStoreOptions, Store } from './composition.js';
import { elastiCacheAuthToken, neptuneHandshakeHeaders } from './adapters/aws/sigv4.js';
import { CognitoIdentity } from './adapters/cognito/cognito-identity.js';
import { findOrCreateUserPool, type UserPoolIds } from './adapters/cognito/cognito-user-pool.js';
import { DynamoCarts } from './adapters/dynamodb/dynamodb-carts.js';
import { DynamoGuestCarts } from './adapters/dynamodb/dynamodb-guest-carts.js';
import { DynamoCatalog } from './adapters/dynamodb/dynamodb-catalog.js';
import { DynamoFriendships } from './adapters/dynamodb/dynamodb-friendships.js';
import { DynamoOrders } from './adapters/dynamodb/dynamodb-orders.js';
import { DynamoReviews } from './adapters/dynamodb/dynamodb-reviews.js';
import { DynamoRebuildJobs } from './adapters/dynamodb/dynamodb-rebuild-jobs.js';
import { DynamoRecordPages } from './adapters/dynamodb/dynamodb-record-pages.js';
import { DynamoSnapshots } from './adapters/dynamodb/dynamodb-snapshots.js';
import { streamFeedPositions } from './adapters/dynamodb/dynamodb-stream-checkpoints.js';
import { DynamoStreamRunner } from './adapters/dynamodb/dynamodb-stream-runner.js';
import { createSystemOfRecordTables, documentClient } from './adapters/dynamodb/dynamodb-tables.js';
import { DynamoUsers } from './adapters/dynamodb/dynamodb-users.js';
import { GremlinSocialGraph } from './adapters/gremlin/gremlin-social-graph.js';
import { OpenSearchSearchIndex } from './adapters/opensearch/opensearch-search-index.js';
import { OpenSearchStreamCheckpoints } from './adapters/opensearch/opensearch-stream-checkpoints.js';
import { ReadThroughCatalog } from './adapters/read-through-catalog.js';
import { RedisAttemptCounter } from './adapters/redis/redis-attempt-counter.js';
import { BookCacheReviews } from './adapters/book-cache-reviews.js';
import { RedisBestsellerBoard } from './adapters/redis/redis-bestseller-board.js';
import { RedisBookCache } from './adapters/redis/redis-book-cache.js';
import { createRedisConnection, type RotatingCredentials } from './adapters/redis/redis-client.js';
import { RedisStreamCheckpoints } from './adapters/redis/redis-stream-checkpoints.js';
import { BestsellersProjection } from './projections/bestsellers-projection.js';
import { BookCacheProjection } from './projections/book-cache-projection.js';
import { ChunkedRebuilder, RebuildJobControl } from './projections/chunked-rebuild.js';
import { GraphProjection } from './projections/graph-projection.js';
import { PROJECTION_NAMES } from './projections/projection.js';
import { SearchProjection } from './projections/search-projection.js';

/** Placeholder credentials for engines on this machine; anything else uses the SDK's default chain. */
function awsClientConfig(endpoint: string | null, region: string) {
  if (endpoint === null) return { region };
  return { region, endpoint, ...(isLoopback(endpoint) ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}) };
}

function isLoopback(endpoint: string | null): endpoint is string {
  if (endpoint === null) return false;
  const host = new URL(endpoint).hostname;
  return host === '127.0.0.1' || host === 'localhost' || host === '[::1]';
}

/**
 * An ElastiCache IAM token for each new connection: it lives 15 minutes, so a fresh one is signed every
 * 10 minutes and on every reconnect, with the SDK's default credentials (the Lambda role on AWS).
 */
function elastiCacheIam(engines: EnginesConfig): RotatingCredentials | undefined {
  const iam = engines.redisIam;
  if (!iam) return undefined;
  const credentials = defaultProvider();
  return {
    username: iam.userId,
    password: () => elastiCacheAuthToken({ ...iam, region: engines.region }, credentials),
    refreshMs: 10 * 60_000,
  };
}

/** What a failed connection to one engine means to the person starting the store. */
async function reach<T>(engine: string, where: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`cannot reach ${engine} at ${where} (${reason}). Start the local engines with \`npm run engines -- up\`, or point the BOOKSTORE_* variables at running ones (see README).`, {
      cause: error,
    });
  }
}

/** The table's stream; creates the tables first when they are missing and provisioning is on. */
async function streamOf(low: DynamoDBClient, engines: EnginesConfig): Promise<string> {
  const table = engines.dynamodbTable;
  try {
    const { Table } = await low.send(new DescribeTableCommand({ TableName: table }));
    const arn = Table?.LatestStreamArn;
    if (!arn || Table?.StreamSpecification?.StreamViewType !== 'NEW_AND_OLD_IMAGES') {
      throw new Error(`table ${table} has no NEW_AND_OLD_IMAGES stream; enable one (docs/dynamodb.md)`);
    }
    return arn;
  } catch (error) {
    if (!(error instanceof Error && error.name === 'ResourceNotFoundException')) throw error;
    if (!engines.provision) throw new Error(`table ${table} does not exist; create it (docs/dynamodb.md) or set BOOKSTORE_PROVISION=true`, { cause: error });
    return (await createSystemOfRecordTables(low, table)).streamArn;
  }
}

/** The system of record's side of the engines profile: DynamoDB and Cognito, what a laptop with AWS credentials reaches. */
interface RecordSide {
  low: DynamoDBClient;
  documents: ReturnType<typeof documentClient>;
  streamArn: string;
  users: DynamoUsers;
  identity: CognitoIdentity;
  sorOptions: { client: ReturnType<typeof documentClient>; tableName: string };
}

async function openRecordSide(engines: EnginesConfig, closers: Array<() => Promise<unknown> | void>): Promise<RecordSide> {
  const dynamoWhere = engines.dynamodbEndpoint ?? `AWS ${engines.region}`;
  const low = new DynamoDBClient(awsClientConfig(engines.dynamodbEndpoint, engines.region));
  closers.push(() => low.destroy());
  const documents = documentClient(low);
  const streamArn = await reach('DynamoDB', dynamoWhere, () => streamOf(low, engines));
  const sorOptions = { client: documents, tableName: engines.dynamodbTable };
  const users = new DynamoUsers(sorOptions);

  const cognitoWhere = engines.cognitoEndpoint ?? `AWS ${engines.region}`;
  const cognito = new CognitoIdentityProviderClient(awsClientConfig(engines.cognitoEndpoint, engines.region));
  closers.push(() => cognito.destroy());
  const pool: UserPoolIds = await reach('Cognito', cognitoWhere, async () =>
    engines.cognitoUserPoolId && engines.cognitoClientId
      ? { userPoolId: engines.cognitoUserPoolId, clientId: engines.cognitoClientId }
      : engines.provision
        ? findOrCreateUserPool(cognito, engines.cognitoPoolName)
        : Promise.reject(new Error('set BOOKSTORE_COGNITO_USER_POOL_ID and BOOKSTORE_COGNITO_CLIENT_ID, or BOOKSTORE_PROVISION=true')),
  );
  const identity = new CognitoIdentity({
    client: cognito,
    userPoolId: pool.userPoolId,
    clientId: pool.clientId,
    users,
    // A stand-in (moto) serves the keys itself while its tokens name the real issuer.
    ...(isLoopback(engines.cognitoEndpoint) ? { jwksUri: `${engines.cognitoEndpoint}/${pool.userPoolId}/.well-known/jwks.json` } : {}),
  });
  return { low, documents, streamArn, users, identity, sorOptions };
}

/**
 * The engines profile's system of record alone (BOOKSTORE_DERIVED_STORES=deployed): DynamoDB and
 * Cognito, for a laptop outside the VPC the derived stores live in. What it writes reaches them through
 * the table's stream and the stream function, as every write of the HTTP function does. The catalog is
 * DynamoDB's own, without the Redis book cache (the stream's book-cache projection updates the cache).
 */
export async function openEnginesRecord(config: Config): Promise<RecordStore> {
  const engines = config.engines;
  if (!engines) throw new Error('the engines profile needs its configuration (loadConfig sets it)');
  const closers: Array<() => Promise<unknown> | void> = [];
  const close = async () => {
    for (const c of closers.reverse()) await Promise.resolve(c()).catch(() => undefined);
  };
  try {
    const { identity, users, sorOptions, documents } = await openRecordSide(engines, closers);
    return {
      config,
      catalog: new DynamoCatalog(sorOptions),
      users,
      carts: new DynamoCarts(sorOptions),
      orders: new DynamoOrders(sorOptions),
      friendships: new DynamoFriendships(sorOptions),
      // No book cache from outside the VPC: the stream's book-cache projection follows each review's book change.
      reviews: new DynamoReviews(sorOptions),
      identity,
      rebuildJobs: new RebuildJobControl({ jobs: new DynamoRebuildJobs({ client: documents, tableName: engines.dynamodbTable }), names: [...PROJECTION_NAMES] }),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * The engines profile: DynamoDB as the system of record with its stream feeding OpenSearch, Redis and
 * Gremlin through the same projections as the embedded profile, and Cognito for accounts.
 */
export async function openEnginesStore(config: Config, options: ResolvedStoreOptions): Promise<Store> {
  const engines = config.engines;
  if (!engines) throw new Error('the engines profile needs its configuration (loadConfig sets it)');
  const closers: Array<() => Promise<unknown> | void> = [];
  const close = async () => {
    for (const c of closers.reverse()) await Promise.resolve(c()).catch(() => undefined);
  };
  try {
    const streams = new DynamoDBStreamsClient(awsClientConfig(engines.dynamodbEndpoint, engines.region));
    closers.push(() => streams.destroy());
    const { documents, streamArn, users, identity, sorOptions } = await openRecordSide(engines, closers);

    // A hung node must not hold a request for minutes (the client's default: 30 s, four attempts).
    const search = new OpenSearchClient({
      node: engines.opensearchUrl,
      requestTimeout: 5_000,
      maxRetries: 1,
      ...(engines.opensearchAuth === 'sigv4' ? AwsSigv4Signer({ region: engines.region, service: 'es', getCredentials: defaultProvider() }) : {}),
    });
    closers.push(() => search.close());
    const searchIndex = new OpenSearchSearchIndex({ client: search, alias: engines.opensearchAlias, replicas: engines.opensearchReplicas });
    await reach('OpenSearch', engines.opensearchUrl, () => searchIndex.count());

    // A failing command fails at once instead of queueing, so reads answer 503 while Redis is down.
    const connection = createRedisConnection({
      url: engines.redisUrl,
      mode: engines.redisMode,
      credentials: elastiCacheIam(engines),
      onCredentialError: (error) =>
        options.logger?.warn({ err: error instanceof Error ? error.message : String(error) }, 'could not sign a fresh ElastiCache IAM token; keeping the last one'),
    });
    const redis = connection.client;
    closers.push(() => connection.disconnect());
    // Reconnect attempts report here while Redis is down; readers see the failures as 503s. Only the
    // message: an ioredis error can carry the command's arguments, and AUTH's are a password.
    redis.on('error', (err: Error) => options.logger?.warn({ err: err.message }, 'redis connection error; reconnecting'));
    await reach('Redis', engines.redisUrl, () => connection.connect());
    const bestsellers = new RedisBestsellerBoard({ client: redis, keyPrefix: engines.redisKeyPrefix });
    // DynamoDB answers a read in milliseconds; the catalog's hot books come from Redis in a fraction of one.
    const bookCache = new RedisBookCache({ client: redis, keyPrefix: engines.redisKeyPrefix });
    const catalog = new ReadThroughCatalog({
      catalog: new DynamoCatalog(sorOptions),
      cache: bookCache,
      onCacheError: (error, operation) =>
        options.logger?.warn({ err: error instanceof Error ? error.message : String(error), operation }, 'book cache unavailable; reading DynamoDB for 5 s'),
    });

    const graph = await reach('Gremlin Server', engines.gremlinUrl, () => GremlinSocialGraph.connect({
        url: engines.gremlinUrl,
        namespace: engines.gremlinNamespace,
        ...(engines.gremlinAuth === 'sigv4' ? { headers: () => neptuneHandshakeHeaders(engines.gremlinUrl, engines.region) } : {}),
      }));
    closers.push(() => graph.close());

    // Each checkpoint lives in the store it describes, so a store lost on its own (an OpenSearch domain
    // or a Neptune cluster wiped or replaced, a Redis restarted empty) is lost with its checkpoint and
    // rebuilt from the table. A deployment that kept search's and graph's in `<table>-checkpoints`
    // starts them at generation 0 here: its first start rebuilds both once.
    const consumers = [
      {
        projection: new SearchProjection(searchIndex, searchIndex.staged),
        checkpoints: new OpenSearchStreamCheckpoints({ client: search, alias: engines.opensearchAlias, replicas: engines.opensearchReplicas }),
      },
      { projection: new BestsellersProjection(bestsellers), checkpoints: new RedisStreamCheckpoints(redis, engines.redisKeyPrefix) },
      { projection: new GraphProjection(graph), checkpoints: graph.streamCheckpoints() },
      { projection: new BookCacheProjection(bookCache), checkpoints: new RedisStreamCheckpoints(redis, engines.redisKeyPrefix) },
    ];
    const snapshots = new DynamoSnapshots(documents, engines.dynamodbTable);
    const projections = new DynamoStreamRunner({
      client: streams,
      streamArn,
      region: engines.region,
      snapshots,
      consumers,
      logger: options.logger,
      metrics: options.metrics,
    });
    // Rebuilds that outlast one Lambda invocation go in chunks, with their progress in the table.
    const rebuilds = new ChunkedRebuilder({
      projections: consumers.map((c) => c.projection),
      jobs: new DynamoRebuildJobs({ client: documents, tableName: engines.dynamodbTable }),
      pages: new DynamoRecordPages(documents, engines.dynamodbTable),
      snapshots,
      positions: streamFeedPositions(consumers),
      chunkSize: engines.rebuildChunkSize,
      logger: options.logger,
    });
    return {
      config,
      catalog,
      users,
      carts: new DynamoCarts(sorOptions),
      orders: new DynamoOrders(sorOptions),
      friendships: new DynamoFriendships(sorOptions),
      reviews: new BookCacheReviews(new DynamoReviews(sorOptions), bookCache, (id) => new DynamoCatalog(sorOptions).get(id), (error, operation) =>
        options.logger?.warn({ err: error instanceof Error ? error.message : String(error), operation }, 'book cache unavailable after a review'),
      ),
      guestCarts: new DynamoGuestCarts({ client: documents, tableName: engines.dynamodbTable }),
      changeFeed: null,
      snapshots,
      identity,
      searchIndex,
      bestsellers,
      graph,
      bookCache,
      projections,
      metrics: options.metrics,
      rebuilds,
      // In Redis, so every server process and Lambda container counts into the same windows.
      attempts: new RedisAttemptCounter({ client: redis, keyPrefix: engines.redisKeyPrefix }),
      async close() {
        await projections.stop();
        await Promise.all([searchIndex.close(), bestsellers.close()]);
        await close();
      },
    };
  } catch (error) {
    await close();
    throw error;
  }
}
