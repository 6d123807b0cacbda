import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { openStore, type Store } from '../../src/composition.js';
import { freshEnginesEnv, removeEngineResources } from '../support/engine-resources.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { tempDir } from '../support/temp-dir.js';
import { endpoints } from './endpoints.js';

/**
 * BOOKSTORE_OPENSEARCH_AUTH=sigv4 and BOOKSTORE_GREMLIN_AUTH=sigv4 put SigV4 on the wire (seen by a
 * proxy in front of the real engines, which ignore it) without breaking the store. Whether Amazon
 * OpenSearch Service and Neptune accept the signatures cannot be tried on this machine.
 */
describe('SigV4 toward OpenSearch and Neptune, when configured', () => {
  const dir = tempDir('bookstore-sigv4-');
  const env = freshEnginesEnv();
  let search: TcpProxy;
  let gremlin: TcpProxy;
  let store: Store;
  const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
  beforeAll(async () => {
    // The SDK's default chain reads these first, as it would in a Lambda or on a developer machine.
    process.env.AWS_ACCESS_KEY_ID = 'AKIDSIGV4TEST';
    process.env.AWS_SECRET_ACCESS_KEY = 'not-a-real-secret';
    const os = new URL(endpoints.opensearch);
    const gr = new URL(endpoints.gremlin);
    search = await startTcpProxy({ host: os.hostname, port: Number(os.port) });
    gremlin = await startTcpProxy({ host: gr.hostname, port: Number(gr.port) });
    store = await openStore(
      loadConfig({
        ...process.env,
        ...env,
        BOOKSTORE_DATA_DIR: dir.path,
        BOOKSTORE_LOG_LEVEL: 'silent',
        BOOKSTORE_OPENSEARCH_URL: `http://127.0.0.1:${search.port}`,
        BOOKSTORE_OPENSEARCH_AUTH: 'sigv4',
        BOOKSTORE_GREMLIN_URL: `ws://127.0.0.1:${gremlin.port}/gremlin`,
        BOOKSTORE_GREMLIN_AUTH: 'sigv4',
      }),
    );
  }, 120_000);
  afterAll(async () => {
    for (const [name, value] of [['AWS_ACCESS_KEY_ID', saved.id], ['AWS_SECRET_ACCESS_KEY', saved.secret]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await store?.close();
    await search?.close();
    await gremlin?.close();
    dir.remove();
    await removeEngineResources(env);
  });

  it('signs every OpenSearch request for the es service and the handshake for neptune-db, and still works', async () => {
    const scope = (service: string) => new RegExp(`authorization: AWS4-HMAC-SHA256 Credential=AKIDSIGV4TEST/\\d{8}/us-east-1/${service}/aws4_request`, 'i');
    await store.catalog.create({
      isbn: '9780306406157',
      title: 'Signed Words',
      authors: ['Ada Signer'],
      category: 'Fiction',
      description: 'A book written to be found.',
      price: 1200,
      currency: 'USD',
      coverUrl: null,
      rating: 4,
      year: 2020,
    });
    await store.projections.catchUp();
    expect((await store.searchIndex.search({ q: 'signed', sort: 'relevance', limit: 5 })).total).toBe(1);
    expect(await store.graph.alsoBought('no-such-book', 5)).toEqual([]);
    expect(search.heads.length).toBeGreaterThan(0);
    expect(search.heads.every((head) => scope('es').test(head))).toBe(true);
    expect(gremlin.heads.some((head) => head.startsWith('GET /gremlin') && scope('neptune-db').test(head))).toBe(true);
  });
});
