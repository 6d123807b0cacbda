import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { afterAll } from 'vitest';
import { DynamoCarts } from '../../src/adapters/dynamodb/dynamodb-carts.js';
import { DynamoCatalog } from '../../src/adapters/dynamodb/dynamodb-catalog.js';
import { DynamoFriendships } from '../../src/adapters/dynamodb/dynamodb-friendships.js';
import { DynamoOrders } from '../../src/adapters/dynamodb/dynamodb-orders.js';
import { createStreamCheckpointTable, createSystemOfRecordTables, deleteSystemOfRecordTables, documentClient } from '../../src/adapters/dynamodb/dynamodb-tables.js';
import { DynamoUsers } from '../../src/adapters/dynamodb/dynamodb-users.js';
import { DynamoSnapshots } from '../../src/adapters/dynamodb/dynamodb-snapshots.js';
import { changeCaptureConformance } from '../conformance/change-feed.js';
import { streamCapture } from '../support/stream-capture.js';
import { cartsConformance } from '../conformance/carts.js';
import { catalogConformance } from '../conformance/catalog.js';
import { friendshipsConformance } from '../conformance/friendships.js';
import { ordersConformance } from '../conformance/orders.js';
import { usersConformance } from '../conformance/users.js';
import { endpoints, uniqueName } from './endpoints.js';

// DynamoDB Local accepts any credentials; the region only has to be well-formed.
const low = new DynamoDBClient({ endpoint: endpoints.dynamodb, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
const client = documentClient(low);
const streams = new DynamoDBStreamsClient({ endpoint: endpoints.dynamodb, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
afterAll(() => {
  low.destroy();
  streams.destroy();
});

/** The system-of-record ports over fresh tables of their own, with the table's stream read by the real poller. */
async function makeSystemOfRecord() {
  const tableName = uniqueName('sor');
  const { streamArn } = await createSystemOfRecordTables(low, tableName);
  await createStreamCheckpointTable(low, tableName);
  const options = { client, tableName };
  return {
    catalog: new DynamoCatalog(options),
    users: new DynamoUsers(options),
    carts: new DynamoCarts(options),
    orders: new DynamoOrders(options),
    friendships: new DynamoFriendships(options),
    snapshots: new DynamoSnapshots(client, tableName),
    changes: streamCapture(streams, client, tableName, streamArn),
    close: () => deleteSystemOfRecordTables(low, tableName),
  };
}

catalogConformance(makeSystemOfRecord);
usersConformance(makeSystemOfRecord);
cartsConformance(makeSystemOfRecord);
ordersConformance(makeSystemOfRecord);
friendshipsConformance(makeSystemOfRecord);
changeCaptureConformance(makeSystemOfRecord, { pointInTimeSnapshots: false });
