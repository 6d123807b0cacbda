import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DynamoStreamCheckpoints } from '../../src/adapters/dynamodb/dynamodb-stream-checkpoints.js';
import { DynamoStreamPoller } from '../../src/adapters/dynamodb/dynamodb-stream-poller.js';
import { DynamoStreamRunner } from '../../src/adapters/dynamodb/dynamodb-stream-runner.js';
import { createStreamCheckpointTable, documentClient } from '../../src/adapters/dynamodb/dynamodb-tables.js';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoSnapshots } from '../../src/adapters/dynamodb/dynamodb-snapshots.js';
import { LambdaProjectionControl } from '../../src/adapters/lambda/lambda-projection-control.js';
import { runAdminCreate } from '../../src/cli/admin-command.js';
import { catchUpWithProgress } from '../../src/cli/catch-up.js';
import { runImport } from '../../src/cli/import-command.js';
import { runRebuild } from '../../src/cli/rebuild-command.js';
import { runSeed } from '../../src/cli/seed-command.js';
import { runStatus } from '../../src/cli/status-command.js';
import { openRecordStore, openStore, type Store } from '../../src/composition.js';
import { loadConfig, type Config } from '../../src/config.js';
import { buildServer } from '../../src/http/server.js';
import { createRebuildFunction, triggeredRebuild, type RebuildEvent } from '../../src/lambda/rebuild-handler.js';
import { REBUILD_TRIGGER_PATTERN } from '../../src/lambda/rebuild-trigger.js';
import { BestsellersProjection } from '../../src/projections/bestsellers-projection.js';
import { BookCacheProjection } from '../../src/projections/book-cache-projection.js';
import { GraphProjection } from '../../src/projections/graph-projection.js';
import { SearchProjection } from '../../src/projections/search-projection.js';
import { freshEnginesEnv, removeEngineResources } from '../support/engine-resources.js';
import { matchesFilterPattern } from '../support/filter-pattern.js';
import { endpoints } from './endpoints.js';

/** Nothing listens on the discard port: a laptop's view of engines inside a VPC. */
const UNREACHABLE = { BOOKSTORE_OPENSEARCH_URL: 'http://127.0.0.1:9', BOOKSTORE_REDIS_URL: 'redis://127.0.0.1:9', BOOKSTORE_GREMLIN_URL: 'ws://127.0.0.1:9/gremlin' };

const deployedEnv = freshEnginesEnv();
/** A laptop outside the VPC: the table and Cognito, nothing else. */
const laptop: Config = loadConfig({ ...process.env, ...deployedEnv, ...UNREACHABLE, BOOKSTORE_DERIVED_STORES: 'deployed' });
/** The functions inside the VPC: every engine (tiny rebuild chunks, so a rebuild takes many). */
const inside: Config = loadConfig({ ...process.env, ...deployedEnv, BOOKSTORE_REBUILD_CHUNK_SIZE: '10' });
/**
 * The same record with derived stores of their own, brought up to date as today's CLI does when one
 * process reaches every engine (no checkpoint yet: rebuilt from the table, then the stream).
 */
const fresh = freshEnginesEnv();
const todayEnv = { ...deployedEnv, BOOKSTORE_OPENSEARCH_ALIAS: fresh.BOOKSTORE_OPENSEARCH_ALIAS!, BOOKSTORE_REDIS_PREFIX: fresh.BOOKSTORE_REDIS_PREFIX!, BOOKSTORE_GREMLIN_NAMESPACE: fresh.BOOKSTORE_GREMLIN_NAMESPACE! };
const today: Config = loadConfig({ ...process.env, ...todayEnv });

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const low = new DynamoDBClient({ endpoint: endpoints.dynamodb, region: 'us-east-1', credentials });
const streams = new DynamoDBStreamsClient({ endpoint: endpoints.dynamodb, region: 'us-east-1', credentials });
const documents = documentClient(low);

let deployed: Store;
let asToday: Store;
/** The password `admin create` printed once for the first admin. */
let adminPassword = '';

/**
 * Plays the stream function: the Lambda stream handler's code applied to the table's stream for all
 * four projections, with positions of its own (the event source mapping's) starting at the trim
 * horizon, as a new mapping does, so what reaches the derived stores comes from the stream and not
 * from a rebuild.
 */
async function streamFunction(store: Store, table: string): Promise<DynamoStreamRunner> {
  await createStreamCheckpointTable(low, table).catch((error: unknown) => {
    if (!(error instanceof Error && error.name === 'ResourceInUseException')) throw error;
  });
  const positions = new DynamoStreamCheckpoints(documents, table);
  const projections = [new SearchProjection(store.searchIndex), new BestsellersProjection(store.bestsellers), new GraphProjection(store.graph), new BookCacheProjection(store.bookCache!)];
  for (const p of projections) await positions.reset(p.name, {});
  const { Table } = await low.send(new DescribeTableCommand({ TableName: table }));
  return new DynamoStreamRunner({
    client: streams,
    streamArn: Table!.LatestStreamArn!,
    snapshots: new DynamoSnapshots(documents, table),
    consumers: projections.map((projection) => ({ projection, checkpoints: positions })),
  });
}

/**
 * Plays the rebuild function's event source mapping: the table's stream, filtered with the mapping's
 * own pattern, one record per invocation, each invocation awaited before the next record (a shard is
 * read in order), polled until stopped. A failed invocation is recorded and its record read again.
 */
async function rebuildMapping(table: string, rebuildFunction: (event: unknown) => Promise<unknown>) {
  const { Table } = await low.send(new DescribeTableCommand({ TableName: table }));
  const events: RebuildEvent[] = [];
  const failures: unknown[] = [];
  const poller = new DynamoStreamPoller({
    client: streams,
    streamArn: Table!.LatestStreamArn!,
    consumers: [
      {
        name: 'lambda-rebuild',
        checkpoints: new DynamoStreamCheckpoints(documents, table),
        handler: async (batch) => {
          for (const record of batch.Records.filter((r) => matchesFilterPattern(REBUILD_TRIGGER_PATTERN, r))) {
            events.push(triggeredRebuild(record));
            try {
              await rebuildFunction({ Records: [record] });
            } catch (error) {
              failures.push(error);
              return { batchItemFailures: [{ itemIdentifier: record.dynamodb!.SequenceNumber! }] };
            }
          }
          return { batchItemFailures: [] };
        },
      },
    ],
  });
  let running = true;
  const loop = (async () => {
    while (running) {
      await poller.poll();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return {
    events,
    failures,
    async stop() {
      running = false;
      await loop;
    },
  };
}

/** What a shopper sees of the derived stores, by ISBN (ids differ between the two stores). */
async function derivedView(store: Store) {
  const isbnOf = new Map<string, string>();
  for (let cursor: string | undefined, page; (page = await store.catalog.list({ limit: 100, cursor })), true; cursor = page.nextCursor!) {
    for (const book of page.items) isbnOf.set(book.id, book.isbn);
    if (!page.nextCursor) break;
  }
  const isbn = (id: string) => isbnOf.get(id) ?? `missing ${id}`;
  const all = await store.searchIndex.search({ q: '', sort: 'price_asc', limit: 500 });
  const sellers = await store.bestsellers.top({ window: 'all', limit: 100, now: Date.now() });
  const topBook = [...sellers].sort((a, b) => b.units - a.units || isbn(a.bookId).localeCompare(isbn(b.bookId)))[0]!;
  return {
    searchCount: await store.searchIndex.count(),
    searched: all.hits.map((h) => `${h.book.isbn} ${h.book.title} ${h.book.price}`).sort(),
    wizard: (await store.searchIndex.search({ q: 'wizard', sort: 'relevance', limit: 50 })).total,
    bestsellers: sellers.map((s) => `${isbn(s.bookId)} ${s.units}`).sort(),
    alsoBought: (await store.graph.alsoBought(topBook.bookId, 50)).map((r) => `${isbn(r.bookId)} ${r.count}`).sort(),
  };
}

beforeAll(async () => {
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
  vi.spyOn(console, 'table').mockImplementation(() => undefined);
}, 10_000);

afterAll(async () => {
  vi.restoreAllMocks();
  await deployed?.close();
  await asToday?.close();
  // The two share the table and the pool: the second finds them gone and removes its derived stores.
  await removeEngineResources(deployedEnv);
  await removeEngineResources(todayEnv);
  low.destroy();
  streams.destroy();
}, 120_000);

describe('operating a deployed store from a laptop', () => {
  it('seeds and imports writing only the record and Cognito; the stream then gives the same derived stores as today', async () => {
    const size = { books: 60, users: 20, orders: 120, seed: 11, force: false };
    await runSeed(laptop, size);
    await runImport(laptop, 'test/fixtures/catalog-sample.csv', {});

    deployed = await openStore(inside);
    // Nothing reached the derived stores from the laptop: they are empty until the stream feeds them.
    expect(await deployed.searchIndex.count()).toBe(0);
    const feed = await streamFunction(deployed, deployedEnv.BOOKSTORE_DYNAMODB_TABLE!);
    await feed.catchUp();
    await feed.stop();

    asToday = await openStore(today);
    await catchUpWithProgress(asToday);
    const expected = await derivedView(asToday);
    expect(expected.searchCount).toBeGreaterThan(60);
    expect(expected.bestsellers.length).toBeGreaterThan(5);
    expect(expected.alsoBought.length).toBeGreaterThan(0);
    expect(await derivedView(deployed)).toEqual(expected);
  }, 300_000);

  it('makes the first admin against Cognito and DynamoDB alone', async () => {
    const log = vi.mocked(console.log);
    log.mockClear();
    await runAdminCreate(laptop, 'Ops@Example.com');
    adminPassword = /shown only this once: (\S+)/.exec(log.mock.calls.flat().join('\n'))![1]!;
    const record = await openRecordStore(laptop);
    try {
      expect((await record.users.findByEmail('ops@example.com'))?.role).toBe('admin');
    } finally {
      await record.close();
    }
  }, 60_000);

  it('says it cannot know the stream lag from outside the VPC instead of showing 0', async () => {
    const table = vi.mocked(console.table);
    const error = vi.mocked(console.error);
    table.mockClear();
    error.mockClear();
    await runStatus(laptop);
    const rows = table.mock.calls[0]![0] as Array<Record<string, string>>;
    expect(rows.map((r) => r.store)).toEqual(['search', 'bestsellers', 'graph', 'book-cache']);
    expect(rows.every((r) => r['stream lag'] === 'not visible from here' && !('lag (s)' in r))).toBe(true);
    expect(error.mock.calls.flat().join(' ')).toContain('IteratorAge');
  }, 60_000);

  it('rebuilds through the rebuild function in chunks over several invocations, started by the table stream from the CLI and from the admin API', async () => {
    // The rebuild function, run in this process behind its stream mapping: each invocation loads two
    // chunks (or less, if its second before the deadline runs out), then hands the job over, and the save
    // of the hand-over starts the next. A time budget alone gave one chain length on a slow machine and a
    // shorter one on a fast one.
    let opened: Store | null = null;
    const context = { getRemainingTimeInMillis: () => 31_000 };
    const rebuildFunction = createRebuildFunction(async () => (opened = await openStore(inside)), { maxChunksPerInvocation: 2 });
    const mapping = await rebuildMapping(deployedEnv.BOOKSTORE_DYNAMODB_TABLE!, (event) => rebuildFunction(event, context));
    const { events, failures } = mapping;
    try {
      const indexBefore = await deployed.searchIndex.count();
      await runRebuild(laptop, ['search'], {}, { pollMs: 100 });
      expect(failures).toEqual([]);
      expect(events.length).toBeGreaterThan(2);
      expect(new Set(events.map((e) => e.jobId)).size).toBe(1);
      expect(await deployed.searchIndex.count()).toBe(indexBefore);

      // The HTTP function's control: a rebuild answers at once, and the status shows the job.
      const control = new LambdaProjectionControl({ checkpoints: deployed.projections, jobs: deployed.rebuilds! });
      const search = (await control.status()).find((s) => s.name === 'search')!;
      expect(search.lagUnknown).toContain('IteratorAge');
      expect(search.rebuild).toMatchObject({ phase: 'done', stalled: false });
      expect(search.rebuild!.chunks).toBeGreaterThan(5);
      expect(await control.startRebuild('bestsellers')).toEqual({ finished: null });
      let bestsellers = (await control.status()).find((s) => s.name === 'bestsellers')!;
      for (let i = 0; i < 200 && bestsellers.rebuild?.phase !== 'done'; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        bestsellers = (await control.status()).find((s) => s.name === 'bestsellers')!;
      }
      expect(bestsellers).toMatchObject({ rebuilding: false, rebuild: { phase: 'done', chunks: 1 } });

      // The admin API of the HTTP function on Lambda, signed in as the first admin: 202 at once, and the job in the status.
      const app = await buildServer(deployed, { webRoot: null, logger: false, projections: control });
      try {
        const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'ops@example.com', password: adminPassword } });
        expect(login.statusCode).toBe(200);
        const authorization = `Bearer ${login.json<{ accessToken: string }>().accessToken}`;
        const started = await app.inject({ method: 'POST', url: '/api/v1/admin/projections/graph/rebuild', headers: { authorization } });
        expect(started.statusCode).toBe(202);
        expect(started.headers.location).toBe('/api/v1/admin/projections');
        expect(started.json()).toEqual({ projection: 'graph', status: 'rebuilding' });
        let graph: { rebuilding: boolean; lagUnknown?: string; rebuild?: { phase: string } | null } | undefined;
        for (let i = 0; i < 200; i++) {
          const listed = await app.inject({ method: 'GET', url: '/api/v1/admin/projections', headers: { authorization } });
          expect(listed.statusCode).toBe(200);
          graph = listed.json<{ projections: Array<typeof graph & { name: string }> }>().projections.find((p) => p!.name === 'graph');
          if (graph?.rebuild?.phase === 'done') break;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        expect(graph).toMatchObject({ rebuilding: false, rebuild: { phase: 'done' } });
        expect(graph!.lagUnknown).toContain('IteratorAge');
      } finally {
        await app.close();
      }
      expect(failures).toEqual([]);
      expect(await derivedView(deployed)).toEqual(await derivedView(asToday));
    } finally {
      await mapping.stop();
      await (opened as Store | null)?.close();
    }
  }, 300_000);
});
