import { marshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { keys } from '../../src/adapters/dynamodb/dynamodb-items.js';
import { CloudWatchEmfMetrics } from '../../src/adapters/cloudwatch/cloudwatch-emf-metrics.js';
import { SqliteBestsellerBoard } from '../../src/adapters/embedded/sqlite-bestseller-board.js';
import { NoopMetrics } from '../../src/adapters/noop-metrics.js';
import { openStore, type Store } from '../../src/composition.js';
import { loadConfig } from '../../src/config.js';
import type { Change } from '../../src/domain/change-event.js';
import type { Order } from '../../src/domain/order.js';
import { createStreamHandler } from '../../src/lambda/stream-handler.js';
import { createProjectionsHandler, createStreamFunction } from '../../src/lambda/stream-handlers.js';
import { BestsellersProjection } from '../../src/projections/bestsellers-projection.js';
import type { Projection } from '../../src/projections/projection.js';
import { orderFor } from '../conformance/system-of-record.js';
import { captureStdout, emfDocuments, valuesOf } from '../support/stdout-capture.js';
import { tempDir } from '../support/temp-dir.js';

/** The record DynamoDB Streams delivers to Lambda for a checkout's order item (NEW_AND_OLD_IMAGES). */
function orderInsert(order: Order, sequence: number): DynamoDBRecord {
  const item = { ...keys.order(order.userId, order.id), type: 'order', ...order };
  return {
    eventID: `event-${sequence}`,
    eventName: 'INSERT',
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'us-east-1',
    eventSourceARN: 'arn:aws:dynamodb:us-east-1:000000000000:table/bookstore/stream/2026-01-01T00:00:00.000',
    dynamodb: {
      ApproximateCreationDateTime: Date.now() / 1000,
      Keys: marshall(keys.order(order.userId, order.id)) as Record<string, AttributeValue>,
      NewImage: marshall(item, { removeUndefinedValues: true }) as Record<string, AttributeValue>,
      SequenceNumber: String(100 + sequence).padStart(21, '0'),
      SizeBytes: 512,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
}

/**
 * The real projection, made to fail the first two times it is given one order: the handler's whole
 * batch, then its record-by-record pass (an outage that outlasts one invocation).
 */
function failingTwiceAt(projection: Projection, orderId: string): Projection & { calls: string[][] } {
  let failures = 0;
  const calls: string[][] = [];
  return {
    name: projection.name,
    sources: projection.sources,
    calls,
    rebuild: (snapshot) => projection.rebuild(snapshot),
    async apply(changes: readonly Change[]) {
      calls.push(changes.map((c) => c.key));
      if (failures < 2 && changes.some((c) => c.key === orderId)) {
        failures += 1;
        throw new Error('board unavailable');
      }
      await projection.apply(changes);
    },
  };
}

describe('the DynamoDB Streams handler', () => {
  let dir: ReturnType<typeof tempDir>;
  let board: SqliteBestsellerBoard;
  let orders: Order[];
  let event: DynamoDBStreamEvent;
  beforeEach(() => {
    dir = tempDir('bookstore-stream-');
    board = SqliteBestsellerBoard.open(`${dir.path}/bestsellers.db`);
    orders = Array.from({ length: 5 }, (_, i) => orderFor(`0${i}aaaaaaaaaaaaaaaaaaaaaaaa`, `key-0000000${i}`, Date.now() - 1000 + i));
    event = { Records: orders.map((o, i) => orderInsert(o, i)) };
  });
  afterEach(async () => {
    await board.close();
    dir.remove();
  });

  const units = async () => (await board.top({ window: 'all', limit: 10, now: Date.now() })).reduce((sum, e) => sum + e.units, 0);

  it('applies a whole batch and reports no failures', async () => {
    expect(await createStreamHandler(new BestsellersProjection(board))(event)).toEqual({ batchItemFailures: [] });
    expect(await units()).toBe(5 * 2);
  });

  it('reports the first record that fails alone, having applied the ones before it; a retry from it completes the batch once', async () => {
    const projection = failingTwiceAt(new BestsellersProjection(board), orders[2]!.id);
    const handle = createStreamHandler(projection);
    const first = await handle(event);
    expect(first).toEqual({ batchItemFailures: [{ itemIdentifier: event.Records[2]!.dynamodb!.SequenceNumber }] });
    expect(await units()).toBe(2 * 2);
    // Lambda retries from the reported record on.
    expect(await handle({ Records: event.Records.slice(2) })).toEqual({ batchItemFailures: [] });
    expect(await units()).toBe(5 * 2);
    // Delivered again whole (at least once): nothing is counted twice.
    expect(await handle(event)).toEqual({ batchItemFailures: [] });
    expect(await units()).toBe(5 * 2);
  });

  it('skips bookkeeping items that carry no change', async () => {
    const claim: DynamoDBRecord = {
      ...event.Records[0]!,
      dynamodb: { ...event.Records[0]!.dynamodb, NewImage: marshall({ ...keys.isbn('9780000000001'), type: 'isbn', bookId: 'b' }) as Record<string, AttributeValue> },
    };
    expect(await createStreamHandler(new BestsellersProjection(board))({ Records: [claim] })).toEqual({ batchItemFailures: [] });
    expect(await units()).toBe(0);
  });

  it('reports a record it cannot read as a failed item, having applied the ones before it, instead of failing the invocation', async () => {
    // An attribute value of no DynamoDB type: unmarshalling the image throws.
    const malformed: DynamoDBRecord = {
      ...event.Records[2]!,
      dynamodb: { ...event.Records[2]!.dynamodb, NewImage: { type: { S: 'order' }, lines: { XX: 'not a type' } } as unknown as Record<string, AttributeValue> },
    };
    const errors: object[] = [];
    const records = [...event.Records.slice(0, 2), malformed, ...event.Records.slice(3)];
    const handle = createProjectionsHandler([new BestsellersProjection(board)], { error: (obj) => errors.push(obj) });
    expect(await handle({ Records: records })).toEqual({ batchItemFailures: [{ itemIdentifier: malformed.dynamodb!.SequenceNumber }] });
    expect(await units()).toBe(2 * 2);
    expect(errors).toEqual([expect.objectContaining({ projection: 'bestsellers', sequenceNumber: malformed.dynamodb!.SequenceNumber })]);
    // Without a sequence number the record cannot be named: the empty identifier fails the whole batch (Lambda's rule).
    const unnamed: DynamoDBRecord = { ...malformed, dynamodb: { ...malformed.dynamodb, SequenceNumber: undefined } };
    expect(await createStreamHandler(new BestsellersProjection(board))({ Records: [unnamed] })).toEqual({ batchItemFailures: [{ itemIdentifier: '' }] });
  });

  it('fans one batch out to every projection and reports the earliest failure among them', async () => {
    const dir2 = tempDir('bookstore-stream-');
    const other = SqliteBestsellerBoard.open(`${dir2.path}/bestsellers.db`);
    try {
      const late = failingTwiceAt(new BestsellersProjection(board), orders[3]!.id);
      const early = failingTwiceAt(new BestsellersProjection(other), orders[1]!.id);
      const handle = createProjectionsHandler([late, early]);
      expect(await handle(event)).toEqual({ batchItemFailures: [{ itemIdentifier: event.Records[1]!.dynamodb!.SequenceNumber }] });
      expect(await handle({ Records: event.Records.slice(1) })).toEqual({ batchItemFailures: [] });
      expect(await units()).toBe(5 * 2);
      const otherUnits = (await other.top({ window: 'all', limit: 10, now: Date.now() })).reduce((sum, e) => sum + e.units, 0);
      expect(otherUnits).toBe(5 * 2);
    } finally {
      await other.close();
      dir2.remove();
    }
  });
});

describe('metrics of the stream function', () => {
  let dir: ReturnType<typeof tempDir>;
  let event: DynamoDBStreamEvent;
  let orders: Order[];
  beforeEach(() => {
    dir = tempDir('bookstore-stream-');
    orders = Array.from({ length: 4 }, (_, i) => orderFor(`0${i}cccccccccccccccccccccccc`, `key-emf-000${i}`, Date.now() - 1000 + i));
    event = { Records: orders.map((o, i) => orderInsert(o, i)) };
  });
  afterEach(() => {
    dir.remove();
  });

  it('writes one EMF line per projection at the end of a batch, with a delivery delay per record', async () => {
    let store: Store | undefined;
    const handle = createStreamFunction(async (options) => (store = await openStore(loadConfig({ BOOKSTORE_DATA_DIR: dir.path }), options)), new CloudWatchEmfMetrics());
    const stdout = captureStdout();
    try {
      expect(await handle(event)).toEqual({ batchItemFailures: [] });
      const docs = emfDocuments(stdout.take());
      expect(docs.map((d) => d.projection).sort()).toEqual(['bestsellers', 'graph', 'search']);
      for (const doc of docs) {
        expect(doc._aws.CloudWatchMetrics).toEqual([
          { Namespace: 'Bookstore', Dimensions: [['service', 'projection']], Metrics: [{ Name: 'ProjectionDeliveryDelay', Unit: 'Milliseconds' }] },
        ]);
        expect(doc.service).toBe('bookstore');
        const delays = valuesOf(doc, 'ProjectionDeliveryDelay');
        expect(delays).toHaveLength(orders.length);
        for (const delay of delays) expect(delay).toBeGreaterThanOrEqual(0);
      }
    } finally {
      stdout.restore();
      await store?.close();
    }
  });

  it('counts every failed attempt of a projection and the records it applied before the one it reports', async () => {
    const board = SqliteBestsellerBoard.open(`${dir.path}/bestsellers.db`);
    const metrics = new CloudWatchEmfMetrics();
    const stdout = captureStdout();
    try {
      const handle = createProjectionsHandler([failingTwiceAt(new BestsellersProjection(board), orders[2]!.id)], undefined, metrics);
      expect(await handle(event)).toEqual({ batchItemFailures: [{ itemIdentifier: event.Records[2]!.dynamodb!.SequenceNumber }] });
      metrics.publish();
      const [doc, ...more] = emfDocuments(stdout.take());
      expect(more).toEqual([]);
      expect(doc).toMatchObject({ projection: 'bestsellers', ProjectionErrors: [1, 1] });
      expect(valuesOf(doc!, 'ProjectionDeliveryDelay')).toHaveLength(2);
    } finally {
      stdout.restore();
      await board.close();
    }
  });

  it('publishes at the end of an invocation that failed too', async () => {
    const metrics = Object.assign(new NoopMetrics(), { publish: vi.fn() });
    const handle = createStreamFunction(() => Promise.reject(new Error('the store is not reachable yet')), metrics);
    await expect(handle(event)).rejects.toThrow('not reachable yet');
    expect(metrics.publish).toHaveBeenCalledTimes(1);
  });
});
