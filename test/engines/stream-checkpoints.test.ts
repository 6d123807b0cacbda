import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Redis } from 'ioredis';
import { afterAll } from 'vitest';
import { DynamoStreamCheckpoints } from '../../src/adapters/dynamodb/dynamodb-stream-checkpoints.js';
import { createSystemOfRecordTables, deleteSystemOfRecordTables, documentClient } from '../../src/adapters/dynamodb/dynamodb-tables.js';
import { RedisStreamCheckpoints } from '../../src/adapters/redis/redis-stream-checkpoints.js';
import { streamCheckpointStoreConformance } from '../conformance/stream-checkpoint-store.js';
import { endpoints, uniqueName } from './endpoints.js';

const low = new DynamoDBClient({ endpoint: endpoints.dynamodb, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
const redis = new Redis(endpoints.redis, { maxRetriesPerRequest: 1 });
afterAll(async () => {
  low.destroy();
  await redis.quit();
});

streamCheckpointStoreConformance(async () => {
  const tableName = uniqueName('checkpoints');
  await createSystemOfRecordTables(low, tableName);
  return { store: new DynamoStreamCheckpoints(documentClient(low), tableName), close: () => deleteSystemOfRecordTables(low, tableName) };
});

streamCheckpointStoreConformance(async () => {
  const prefix = uniqueName('checkpoints');
  return {
    store: new RedisStreamCheckpoints(redis, prefix),
    close: async () => {
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.unlink(...keys);
    },
  };
});
