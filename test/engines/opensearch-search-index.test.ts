import { Client } from '@opensearch-project/opensearch';
import { afterAll } from 'vitest';
import { OpenSearchSearchIndex } from '../../src/adapters/opensearch/opensearch-search-index.js';
import { indexPattern, templateName } from '../../src/adapters/opensearch/search-index-template.js';
import { searchIndexConformance } from '../conformance/search-index.js';
import { endpoints, uniqueName } from './endpoints.js';

const client = new Client({ node: endpoints.opensearch });
afterAll(() => client.close());

searchIndexConformance(async () => {
  const alias = uniqueName('search');
  // One node: no replicas. A short refresh interval keeps the suite's many small writes quick.
  const index = new OpenSearchSearchIndex({ client, alias, replicas: 0, refreshInterval: '100ms' });
  return {
    index,
    close: async () => {
      await index.close();
      await client.indices.delete({ index: indexPattern(alias) });
      await client.indices.deleteIndexTemplate({ name: templateName(alias) });
    },
  };
});
