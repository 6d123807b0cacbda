import { DescribeTimeToLiveCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoGuestCarts, TTL_ATTRIBUTE } from '../../src/adapters/dynamodb/dynamodb-guest-carts.js';
import { createSystemOfRecordTables, deleteSystemOfRecordTables, documentClient } from '../../src/adapters/dynamodb/dynamodb-tables.js';
import { guestCartsConformance } from '../conformance/guest-carts.js';
import { endpoints, uniqueName } from './endpoints.js';

const low = new DynamoDBClient({ endpoint: endpoints.dynamodb, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
const client = documentClient(low);
// One table for the file: every test works on carts of fresh random ids.
const tableName = uniqueName('guest-carts');
beforeAll(async () => {
  await createSystemOfRecordTables(low, tableName);
});
afterAll(async () => {
  await deleteSystemOfRecordTables(low, tableName);
  low.destroy();
});

guestCartsConformance(async () => ({ guestCarts: new DynamoGuestCarts({ client, tableName }), close: async () => undefined }));

describe('guest carts on DynamoDB', () => {
  it('live on a table whose time to live reads their ttl attribute', async () => {
    const { TimeToLiveDescription } = await low.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
    expect(TimeToLiveDescription).toMatchObject({ TimeToLiveStatus: 'ENABLED', AttributeName: TTL_ATTRIBUTE });
  });
});
