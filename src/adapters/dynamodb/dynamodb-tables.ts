import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  UpdateTimeToLiveCommand,
  type CreateTableCommandOutput,
  type UpdateTimeToLiveCommandOutput,
  type DeleteTableCommandOutput,
  type DescribeTableCommandOutput,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TTL_ATTRIBUTE } from './dynamodb-guest-carts.js';
import { credentialsTableName, GSI1, GSI2 } from './dynamodb-items.js';
import { checkpointTableName } from './dynamodb-stream-checkpoints.js';

/** The slice of the low-level `DynamoDBClient` that creates and drops tables. */
export interface TableAdminClient {
  send(command: CreateTableCommand): Promise<CreateTableCommandOutput>;
  send(command: DescribeTableCommand): Promise<DescribeTableCommandOutput>;
  send(command: DeleteTableCommand): Promise<DeleteTableCommandOutput>;
  send(command: UpdateTimeToLiveCommand): Promise<UpdateTimeToLiveCommandOutput>;
}

/**
 * The document client the adapters expect: undefined optional fields are left out of items, and
 * numbers come back as JS numbers (every number we store is an integer under 2^53 or a rating).
 */
export function documentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

/**
 * Creates the system of record's tables (see docs/dynamodb.md) and waits until they are ACTIVE:
 * the main table with its two GSIs and a NEW_AND_OLD_IMAGES stream, and the credentials table with
 * no stream. On-demand capacity, so nothing needs sizing. Fails if a table already exists.
 */
export async function createSystemOfRecordTables(client: TableAdminClient, tableName: string): Promise<{ streamArn: string }> {
  const stringKey = (name: string) => ({ AttributeName: name, AttributeType: 'S' as const });
  const index = (name: string) => ({
    IndexName: name,
    KeySchema: [
      { AttributeName: `${name}pk`, KeyType: 'HASH' as const },
      { AttributeName: `${name}sk`, KeyType: 'RANGE' as const },
    ],
    Projection: { ProjectionType: 'ALL' as const },
  });
  const created = await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [stringKey('pk'), stringKey('sk'), stringKey(`${GSI1}pk`), stringKey(`${GSI1}sk`), stringKey(`${GSI2}pk`), stringKey(`${GSI2}sk`)],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [index(GSI1), index(GSI2)],
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    }),
  );
  await client.send(
    new CreateTableCommand({
      TableName: credentialsTableName(tableName),
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [stringKey('pk')],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    }),
  );
  await Promise.all([tableName, credentialsTableName(tableName)].map((name) => waitUntilActive(client, name)));
  // Expired guest carts go away by themselves (dynamodb-guest-carts.ts); reads check expiry anyway.
  await client.send(new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { Enabled: true, AttributeName: TTL_ATTRIBUTE } }));
  const streamArn = created.TableDescription?.LatestStreamArn;
  if (!streamArn) throw new Error(`table ${tableName} was created without a stream`);
  return { streamArn };
}

/**
 * The table `DynamoStreamCheckpoints` keeps positions in, for a stream reader whose output has no
 * store to keep them beside (the projections keep theirs in their own stores). No stream: each
 * checkpoint write would be a record to deliver.
 */
export async function createStreamCheckpointTable(client: TableAdminClient, tableName: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: checkpointTableName(tableName),
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    }),
  );
  await waitUntilActive(client, checkpointTableName(tableName));
}

/** Drops the tables, and the stream checkpoint table if there is one; a table that is already gone is not an error. */
export async function deleteSystemOfRecordTables(client: TableAdminClient, tableName: string): Promise<void> {
  for (const name of [tableName, credentialsTableName(tableName), checkpointTableName(tableName)]) {
    try {
      await client.send(new DeleteTableCommand({ TableName: name }));
    } catch (error) {
      if (!(error instanceof Error && error.name === 'ResourceNotFoundException')) throw error;
    }
  }
}

async function waitUntilActive(client: TableAdminClient, tableName: string): Promise<void> {
  // DynamoDB Local creates tables at once; AWS takes seconds, GSIs included.
  for (let waited = 0; waited < 300_000; waited += 500) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const indexesActive = (Table?.GlobalSecondaryIndexes ?? []).every((i) => i.IndexStatus === 'ACTIVE');
    if (Table?.TableStatus === 'ACTIVE' && indexesActive) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`table ${tableName} did not become ACTIVE within 5 minutes`);
}
