import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient, GetRecordsCommand } from '@aws-sdk/client-dynamodb-streams';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoStreamCheckpoints } from '../../src/adapters/dynamodb/dynamodb-stream-checkpoints.js';
import { DynamoStreamPoller, type StreamConsumer } from '../../src/adapters/dynamodb/dynamodb-stream-poller.js';
import { createStreamCheckpointTable, createSystemOfRecordTables, deleteSystemOfRecordTables, documentClient } from '../../src/adapters/dynamodb/dynamodb-tables.js';
import { endpoints, uniqueName } from './endpoints.js';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const low = new DynamoDBClient({ endpoint: endpoints.dynamodb, region: 'us-east-1', credentials });
const documents = documentClient(low);
const streams = new DynamoDBStreamsClient({ endpoint: endpoints.dynamodb, region: 'us-east-1', credentials });

const RECORDS = 30;
const tableName = uniqueName('poller');
let streamArn = '';

/** The real streams client, counting the GetRecords calls that go through it. */
const counted = {
  getRecords: 0,
  send: ((command: Parameters<DynamoDBStreamsClient['send']>[0]) => {
    if (command instanceof GetRecordsCommand) counted.getRecords++;
    return streams.send(command);
  }) as DynamoDBStreamsClient['send'],
};

beforeAll(async () => {
  ({ streamArn } = await createSystemOfRecordTables(low, tableName));
  await createStreamCheckpointTable(low, tableName);
  // Raw items: the poller delivers whatever the table's stream holds.
  for (let i = 0; i < RECORDS; i += 25) {
    const items = Array.from({ length: Math.min(25, RECORDS - i) }, (_, j) => ({ PutRequest: { Item: { pk: `ITEM#${String(i + j).padStart(3, '0')}`, sk: 'A' } } }));
    await documents.send(new BatchWriteCommand({ RequestItems: { [tableName]: items } }));
  }
});
afterAll(async () => {
  await deleteSystemOfRecordTables(low, tableName);
  low.destroy();
  streams.destroy();
});

/** A consumer that keeps the keys it is given; `failOn` makes it report that key as failed while it returns true. */
function keeper(name: string, failOn?: { key: string; while: () => boolean }) {
  const seen: string[] = [];
  const consumer: StreamConsumer = {
    name,
    checkpoints: new DynamoStreamCheckpoints(documents, tableName),
    handler: async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
      for (const record of event.Records) {
        const key = record.dynamodb!.Keys!.pk!.S!;
        if (failOn && key === failOn.key && failOn.while()) return { batchItemFailures: [{ itemIdentifier: record.dynamodb!.SequenceNumber! }] };
        seen.push(key);
      }
      return { batchItemFailures: [] };
    },
  };
  return { consumer, seen };
}

const allKeys = Array.from({ length: RECORDS }, (_, i) => `ITEM#${String(i).padStart(3, '0')}`);

async function drain(poller: DynamoStreamPoller, names?: string[]) {
  for (let i = 0; i < 20; i++) {
    const passes = await poller.poll(names);
    if ([...passes.values()].every((p) => p.caughtUp && !p.error)) return;
  }
  throw new Error('the poller did not catch up in 20 passes');
}

describe('one stream poller for several consumers', () => {
  it('reads each page once and gives every consumer every record, in order', async () => {
    const a = keeper(uniqueName('a'));
    const b = keeper(uniqueName('b'));
    const poller = new DynamoStreamPoller({ client: counted, streamArn, consumers: [a.consumer, b.consumer], batchSize: 10 });
    counted.getRecords = 0;
    await drain(poller);
    expect(a.seen).toEqual(allKeys);
    expect(b.seen).toEqual(allKeys);
    // Three full pages and the empty one that finds the end, once for both consumers rather than once each.
    expect(counted.getRecords).toBeLessThanOrEqual(Math.ceil(RECORDS / 10) + 1);
  });

  it('lets the other consumers go on past a record one of them fails, and gives it that record and the rest later, once', async () => {
    let failing = true;
    const healthy = keeper(uniqueName('healthy'));
    const broken = keeper(uniqueName('broken'), { key: 'ITEM#012', while: () => failing });
    const poller = new DynamoStreamPoller({ client: counted, streamArn, consumers: [healthy.consumer, broken.consumer], batchSize: 10 });

    const first = await poller.poll();
    expect(first.get(healthy.consumer.name)).toMatchObject({ caughtUp: true, error: null, delivered: RECORDS });
    expect(first.get(broken.consumer.name)!.error?.message).toMatch(/ITEM|record .* failed/);
    expect(first.get(broken.consumer.name)!.caughtUp).toBe(false);
    expect(broken.seen).toEqual(allKeys.slice(0, 12));
    expect((await broken.consumer.checkpoints.get(broken.consumer.name)).applied).toBe(12);

    failing = false;
    await drain(poller);
    expect(healthy.seen).toEqual(allKeys);
    expect(broken.seen).toEqual(allKeys);
  });

  it('gives a consumer that went back (a rewind) the records again, and the one ahead nothing twice', async () => {
    const ahead = keeper(uniqueName('ahead'));
    const behind = keeper(uniqueName('behind'));
    const poller = new DynamoStreamPoller({ client: counted, streamArn, consumers: [ahead.consumer, behind.consumer], batchSize: 10 });
    await drain(poller);
    await behind.consumer.checkpoints.reset(behind.consumer.name, {});
    await drain(poller);
    expect(ahead.seen).toEqual(allKeys);
    expect(behind.seen).toEqual([...allKeys, ...allKeys]);
  });

  it('polls only the consumers it is asked to, and says which one failed to read its checkpoint', async () => {
    const one = keeper(uniqueName('one'));
    const other = keeper(uniqueName('other'));
    const unreadable: StreamConsumer = {
      ...keeper(uniqueName('unreadable')).consumer,
      checkpoints: { ...one.consumer.checkpoints, get: () => Promise.reject(new Error('checkpoint store down')) } as StreamConsumer['checkpoints'],
    };
    const poller = new DynamoStreamPoller({ client: counted, streamArn, consumers: [one.consumer, other.consumer, unreadable], batchSize: 10 });
    const passes = await poller.poll([one.consumer.name, unreadable.name]);
    expect(passes.has(other.consumer.name)).toBe(false);
    expect(other.seen).toEqual([]);
    expect(one.seen.length).toBeGreaterThan(0);
    expect(passes.get(unreadable.name)!.error?.message).toBe('checkpoint store down');
  });
});
