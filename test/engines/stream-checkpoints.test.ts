import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Client as OpenSearchClient } from '@opensearch-project/opensearch';
import { Redis } from 'ioredis';
import { afterAll } from 'vitest';
import { DynamoStreamCheckpoints } from '../../src/adapters/dynamodb/dynamodb-stream-checkpoints.js';
import { createStreamCheckpointTable, deleteSystemOfRecordTables, documentClient } from '../../src/adapters/dynamodb/dynamodb-tables.js';
import { GremlinSocialGraph } from '../../src/adapters/gremlin/gremlin-social-graph.js';
import { checkpointIndexName, OpenSearchStreamCheckpoints } from '../../src/adapters/opensearch/opensearch-stream-checkpoints.js';
import { RedisStreamCheckpoints } from '../../src/adapters/redis/redis-stream-checkpoints.js';
import { streamCheckpointStoreConformance } from '../conformance/stream-checkpoint-store.js';
import { endpoints, uniqueName } from './endpoints.js';

const low = new DynamoDBClient({ endpoint: endpoints.dynamodb, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
const redis = new Redis(endpoints.redis, { maxRetriesPerRequest: 1 });
const search = new OpenSearchClient({ node: endpoints.opensearch });
afterAll(async () => {
  low.destroy();
  await redis.quit();
  await search.close();
});

streamCheckpointStoreConformance(async () => {
  const tableName = uniqueName('checkpoints');
  await createStreamCheckpointTable(low, tableName);
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

streamCheckpointStoreConformance(async () => {
  const alias = uniqueName('checkpoints');
  return {
    store: new OpenSearchStreamCheckpoints({ client: search, alias, replicas: 0 }),
    close: async () => {
      await search.indices.delete({ index: checkpointIndexName(alias), ignore_unavailable: true });
    },
  };
});

streamCheckpointStoreConformance(async () => {
  const graph = await GremlinSocialGraph.connect({ url: endpoints.gremlin, namespace: uniqueName('checkpoints') });
  return {
    store: graph.streamCheckpoints(),
    close: async () => {
      try {
        await graph.destroy();
      } finally {
        await graph.close();
      }
    },
  };
});
