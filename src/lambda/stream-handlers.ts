import type { DynamoDBStreamEvent } from 'aws-lambda';
import { pino } from 'pino';
import { loadConfig } from '../config.js';
import { openStore, type Store, type StoreOptions } from '../composition.js';
import type { Metrics } from '../ports/metrics.js';
import { BestsellersProjection } from '../projections/bestsellers-projection.js';
import { BookCacheProjection } from '../projections/book-cache-projection.js';
import { GraphProjection } from '../projections/graph-projection.js';
import type { Projection } from '../projections/projection.js';
import { SearchProjection } from '../projections/search-projection.js';
import { lambdaMetrics, publishingMetrics, type InvocationMetrics } from './metrics.js';
import { syncStdout } from './stdout.js';
import { createStreamHandler, type StreamHandler, type StreamHandlerLogger } from './stream-handler.js';

/**
 * One handler for every projection, for one event source mapping on the table's stream: DynamoDB
 * Streams serves at most two readers per shard, so three functions (one per projection) would be
 * throttled. Each projection applies the batch on its own; the earliest record any of them failed is
 * reported, and Lambda retries from there. The projections that had passed it see those records again,
 * which they absorb, being idempotent.
 */
export function createProjectionsHandler(projections: readonly Projection[], logger?: StreamHandlerLogger, metrics?: Metrics): StreamHandler {
  const handlers = projections.map((projection) => createStreamHandler(projection, logger, metrics));
  return async (event) => {
    const results = await Promise.all(handlers.map((handle) => handle(event)));
    const failed = new Set(results.flatMap((r) => r.batchItemFailures.map((f) => f.itemIdentifier)));
    const first = event.Records.find((record) => record.dynamodb?.SequenceNumber && failed.has(record.dynamodb.SequenceNumber));
    return { batchItemFailures: first ? [{ itemIdentifier: first.dynamodb!.SequenceNumber! }] : [] };
  };
}

/**
 * Builds the handler over a store, opened once per container and again after a failed open. What an
 * invocation records (deliveries with their delays, failures) is published when it ends, by default
 * as CloudWatch EMF on stdout.
 */
export function createStreamFunction(
  open: (options: StoreOptions) => Promise<Store>,
  metrics: InvocationMetrics = lambdaMetrics(),
): (event: DynamoDBStreamEvent) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }> {
  const logger = pino({ level: process.env.BOOKSTORE_LOG_LEVEL ?? 'info' }, syncStdout().stream);
  let ready: Promise<StreamHandler> | null = null;
  return (event) => publishingMetrics(metrics, async () => {
    ready ??= open({ metrics }).then((store) =>
      createProjectionsHandler(
        [
          new SearchProjection(store.searchIndex),
          new BestsellersProjection(store.bestsellers),
          new GraphProjection(store.graph),
          ...(store.bookCache ? [new BookCacheProjection(store.bookCache)] : []),
        ],
        logger,
        metrics,
      ),
    );
    let handle: StreamHandler;
    try {
      handle = await ready;
    } catch (error) {
      // An open that failed is tried again by the next invocation; Lambda retries this batch.
      ready = null;
      throw error;
    }
    return handle(event);
  });
}

/** The function deployed with the table's stream as its event source (docs/lambda.md). */
export const handler = createStreamFunction((storeOptions) => openStore(loadConfig(process.env), storeOptions));
