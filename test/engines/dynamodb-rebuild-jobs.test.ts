import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll } from 'vitest';
import { DynamoRebuildJobs } from '../../src/adapters/dynamodb/dynamodb-rebuild-jobs.js';
import { createSystemOfRecordTables, deleteSystemOfRecordTables, documentClient } from '../../src/adapters/dynamodb/dynamodb-tables.js';
import { rebuildJobsConformance } from '../conformance/rebuild-jobs.js';
import { endpoints, uniqueName } from './endpoints.js';

const low = new DynamoDBClient({ endpoint: endpoints.dynamodb, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
afterAll(() => low.destroy());

rebuildJobsConformance(async () => {
  const tableName = uniqueName('jobs');
  await createSystemOfRecordTables(low, tableName);
  return { jobs: new DynamoRebuildJobs({ client: documentClient(low), tableName }), close: () => deleteSystemOfRecordTables(low, tableName) };
});
