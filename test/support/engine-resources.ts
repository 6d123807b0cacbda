import { CognitoIdentityProviderClient, DeleteUserPoolCommand, ListUserPoolsCommand } from '@aws-sdk/client-cognito-identity-provider';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { Client as OpenSearchClient } from '@opensearch-project/opensearch';
import { Redis } from 'ioredis';
import { unlinkByPrefix } from '../../src/adapters/redis/redis-scan.js';
import { createStreamCheckpointTable, deleteSystemOfRecordTables, documentClient } from '../../src/adapters/dynamodb/dynamodb-tables.js';
import type { Change } from '../../src/domain/change-event.js';
import { streamCapture } from './stream-capture.js';
import { GremlinSocialGraph } from '../../src/adapters/gremlin/gremlin-social-graph.js';
import { indexPattern, templateName } from '../../src/adapters/opensearch/search-index-template.js';
import { checkpointIndexName } from '../../src/adapters/opensearch/opensearch-stream-checkpoints.js';
import { loadEnginesConfig, type EnginesConfig } from '../../src/config.js';

/** Which profile the API suites run on: `npm run test:engines` sets BOOKSTORE_TEST_PROFILE=engines. */
export const testProfile: 'embedded' | 'engines' = process.env.BOOKSTORE_TEST_PROFILE === 'engines' ? 'engines' : 'embedded';

/**
 * Variables that give one engines-profile store names of its own on the shared engines (table, index
 * alias, Redis prefix, graph namespace, user pool), so test files never see each other's data.
 */
export function freshEnginesEnv(): Record<string, string> {
  const name = `t-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  return {
    BOOKSTORE_PROFILE: 'engines',
    BOOKSTORE_DYNAMODB_TABLE: name,
    BOOKSTORE_OPENSEARCH_ALIAS: name,
    BOOKSTORE_REDIS_PREFIX: name,
    BOOKSTORE_GREMLIN_NAMESPACE: name,
    BOOKSTORE_COGNITO_POOL_NAME: name,
  };
}

/** Deletes everything an engines-profile store made under the names of `env`. */
export async function removeEngineResources(env: Record<string, string>): Promise<void> {
  const engines: EnginesConfig = loadEnginesConfig({ ...process.env, ...env });
  const local = { region: engines.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
  const dynamo = new DynamoDBClient({ ...local, endpoint: engines.dynamodbEndpoint ?? undefined });
  const search = new OpenSearchClient({ node: engines.opensearchUrl });
  const redis = new Redis(engines.redisUrl, { maxRetriesPerRequest: 1 });
  const cognito = new CognitoIdentityProviderClient({ ...local, endpoint: engines.cognitoEndpoint ?? undefined });
  try {
    await deleteSystemOfRecordTables(dynamo, engines.dynamodbTable);
    await search.indices.delete({ index: indexPattern(engines.opensearchAlias) }).catch(() => undefined);
    await search.indices.delete({ index: checkpointIndexName(engines.opensearchAlias) }).catch(() => undefined);
    await search.indices.deleteIndexTemplate({ name: templateName(engines.opensearchAlias) }).catch(() => undefined);
    await unlinkByPrefix(redis, `${engines.redisKeyPrefix}:`);
    const graph = await GremlinSocialGraph.connect({ url: engines.gremlinUrl, namespace: engines.gremlinNamespace });
    try {
      await graph.destroy();
    } finally {
      await graph.close();
    }
    let token: string | undefined;
    do {
      const pools = await cognito.send(new ListUserPoolsCommand({ MaxResults: 60, NextToken: token }));
      for (const pool of pools.UserPools ?? []) if (pool.Name === engines.cognitoPoolName) await cognito.send(new DeleteUserPoolCommand({ UserPoolId: pool.Id }));
      token = pools.NextToken;
    } while (token);
  } finally {
    dynamo.destroy();
    await search.close();
    redis.disconnect();
    cognito.destroy();
  }
}

/** Every change the store's table has streamed so far, read by the real poller (a consumer of its own). */
export async function streamedChanges(env: Record<string, string>): Promise<Change[]> {
  const engines: EnginesConfig = loadEnginesConfig({ ...process.env, ...env });
  const local = { region: engines.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, endpoint: engines.dynamodbEndpoint ?? undefined };
  const low = new DynamoDBClient(local);
  const streams = new DynamoDBStreamsClient(local);
  try {
    const { Table } = await low.send(new DescribeTableCommand({ TableName: engines.dynamodbTable }));
    // The capture is a stream reader with no store of its own: its positions need the checkpoint table,
    // which the profile itself no longer creates (removeEngineResources drops it with the others).
    await createStreamCheckpointTable(low, engines.dynamodbTable).catch((error: unknown) => {
      if (!(error instanceof Error && error.name === 'ResourceInUseException')) throw error;
    });
    const capture = streamCapture(streams, documentClient(low), engines.dynamodbTable, Table!.LatestStreamArn!, `capture-${Math.random().toString(36).slice(2)}`);
    return await capture.take();
  } finally {
    low.destroy();
    streams.destroy();
  }
}
