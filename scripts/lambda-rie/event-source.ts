/**
 * The stream function's event source mapping, played here: the real poller reads the table's
 * DynamoDB stream (DynamoDB Local) and hands each batch, shaped as Lambda delivers it, to the emulated
 * function; its `batchItemFailures` decide what is read again, as with ReportBatchItemFailures.
 */
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { DynamoStreamCheckpoints } from '../../src/adapters/dynamodb/dynamodb-stream-checkpoints.js';
import { DynamoStreamPoller } from '../../src/adapters/dynamodb/dynamodb-stream-poller.js';
import { createStreamCheckpointTable, documentClient } from '../../src/adapters/dynamodb/dynamodb-tables.js';
import type { EmulatedFunction, Invocation } from './emulator.js';

export interface Delivery {
  event: DynamoDBStreamEvent;
  invocation: Invocation<DynamoDBBatchResponse>;
}

export interface EventSourceMapping {
  /** Reads the stream to its end, invoking the function with each batch; returns what was sent and answered. */
  drain(): Promise<Delivery[]>;
  close(): void;
}

export async function streamEventSource(options: { fn: EmulatedFunction; table: string; endpoint: string; region: string; batchSize?: number }): Promise<EventSourceMapping> {
  const aws = { region: options.region, endpoint: options.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
  const low = new DynamoDBClient(aws);
  const streams = new DynamoDBStreamsClient(aws);
  const { Table } = await low.send(new DescribeTableCommand({ TableName: options.table }));
  if (!Table?.LatestStreamArn) throw new Error(`table ${options.table} has no stream`);
  await createStreamCheckpointTable(low, options.table).catch((error: unknown) => {
    if (!(error instanceof Error && error.name === 'ResourceInUseException')) throw error;
  });
  let deliveries: Delivery[] = [];
  const name = `lambda-${options.fn.name}`;
  const poller = new DynamoStreamPoller({
    client: streams,
    streamArn: Table.LatestStreamArn,
    region: options.region,
    batchSize: options.batchSize ?? 100,
    consumers: [
      {
        name,
        checkpoints: new DynamoStreamCheckpoints(documentClient(low), options.table),
        handler: async (event) => {
          const invocation = await options.fn.invoke<DynamoDBBatchResponse>(event);
          deliveries.push({ event, invocation });
          // A function error is a failed batch: Lambda retries all of it.
          if (invocation.failed) throw new Error(`${options.fn.name} failed the batch: ${JSON.stringify(invocation.payload)}`);
          return invocation.payload;
        },
      },
    ],
  });
  return {
    async drain() {
      for (let pass = 0; ; pass++) {
        const result = (await poller.poll()).get(name)!;
        if (result.error) throw result.error;
        if (result.caughtUp) break;
        if (pass > 100) throw new Error('the stream did not drain in 100 passes');
      }
      const out = deliveries;
      deliveries = [];
      return out;
    },
    close() {
      low.destroy();
      streams.destroy();
    },
  };
}
