import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { DynamoStreamCheckpoints } from '../../src/adapters/dynamodb/dynamodb-stream-checkpoints.js';
import { DynamoStreamPoller } from '../../src/adapters/dynamodb/dynamodb-stream-poller.js';
import { changeOfStreamRecord } from '../../src/adapters/dynamodb/dynamodb-stream-records.js';
import type { DocumentClientLike } from '../../src/adapters/dynamodb/dynamodb-items.js';
import type { Change } from '../../src/domain/change-event.js';
import type { ChangeCapture } from '../conformance/change-feed.js';

/**
 * A table's stream seen through `ChangeCapture`: the real poller, with its checkpoint in the real
 * checkpoint table, calling a handler that keeps what it is given. `take` reads to the stream's end.
 */
export function streamCapture(streams: DynamoDBStreamsClient, documents: DocumentClientLike, tableName: string, streamArn: string, consumer = 'conformance-capture'): ChangeCapture {
  let taken: Change[] = [];
  const poller = new DynamoStreamPoller({
    client: streams,
    streamArn,
    consumers: [
      {
        name: consumer,
        checkpoints: new DynamoStreamCheckpoints(documents, tableName),
        handler: async (event) => {
      for (const record of event.Records) {
        const change = changeOfStreamRecord(record);
        if (change) taken.push(change);
      }
          return { batchItemFailures: [] };
        },
      },
    ],
  });
  return {
    async take() {
      for (;;) {
        const pass = (await poller.poll()).get(consumer)!;
        if (pass.error) throw pass.error;
        if (pass.caughtUp) break;
      }
      const out = taken;
      taken = [];
      return out;
    },
  };
}
