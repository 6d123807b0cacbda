import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { Client as OpenSearchClient } from '@opensearch-project/opensearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoRebuildJobs } from '../../src/adapters/dynamodb/dynamodb-rebuild-jobs.js';
import { DynamoRecordPages } from '../../src/adapters/dynamodb/dynamodb-record-pages.js';
import { DynamoSnapshots } from '../../src/adapters/dynamodb/dynamodb-snapshots.js';
import { DynamoStreamCheckpoints, streamFeedPositions } from '../../src/adapters/dynamodb/dynamodb-stream-checkpoints.js';
import { DynamoStreamRunner } from '../../src/adapters/dynamodb/dynamodb-stream-runner.js';
import { createStreamCheckpointTable, documentClient } from '../../src/adapters/dynamodb/dynamodb-tables.js';
import { OpenSearchSearchIndex } from '../../src/adapters/opensearch/opensearch-search-index.js';
import { OpenSearchStreamCheckpoints } from '../../src/adapters/opensearch/opensearch-stream-checkpoints.js';
import { stagingAlias } from '../../src/adapters/opensearch/search-index-template.js';
import { NOT_DELETED } from '../../src/adapters/opensearch/search-query.js';
import { openRecordStore, openStore, type Store } from '../../src/composition.js';
import { loadConfig, type Config } from '../../src/config.js';
import type { RecordPages } from '../../src/ports/change-feed.js';
import { ChunkedRebuilder } from '../../src/projections/chunked-rebuild.js';
import { SearchProjection } from '../../src/projections/search-projection.js';
import { bookInput } from '../conformance/system-of-record.js';
import { freshEnginesEnv, removeEngineResources } from '../support/engine-resources.js';
import { endpoints } from './endpoints.js';

const env = freshEnginesEnv();
// A tiny chunk, so that a few hundred books take dozens of chunks.
const config: Config = loadConfig({ ...process.env, ...env, BOOKSTORE_REBUILD_CHUNK_SIZE: '12' });
const alias = env.BOOKSTORE_OPENSEARCH_ALIAS!;
const table = env.BOOKSTORE_DYNAMODB_TABLE!;
const search = new OpenSearchClient({ node: endpoints.opensearch });
const low = new DynamoDBClient({ endpoint: endpoints.dynamodb, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
const streams = new DynamoDBStreamsClient({ endpoint: endpoints.dynamodb, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
const documents = documentClient(low);
/** The store the stream function writes the index through. */
let streamSide: Store;
const FAR = () => Date.now() + 10 * 60_000;

beforeAll(async () => {
  streamSide = await openStore(config);
  for (let from = 0; from < 300; from += 100) {
    await streamSide.catalog.upsertByIsbn(Array.from({ length: 100 }, (_, i) => bookInput(from + i + 1)));
  }
  await streamSide.projections.catchUp();
}, 120_000);

afterAll(async () => {
  await streamSide?.close();
  await removeEngineResources(env);
  await search.close();
  low.destroy();
  streams.destroy();
}, 60_000);

/**
 * Plays the stream function as it runs on AWS: it applies the stream to the live index with positions
 * of its own (the event source mapping's, here in the `-checkpoints` table), which a rebuild's replay
 * does not move. So nothing but the staged copy's second alias brings what it applies during the
 * load into the new index.
 */
async function streamFunctionStandIn(): Promise<DynamoStreamRunner> {
  await createStreamCheckpointTable(low, table).catch((error: unknown) => {
    if (!(error instanceof Error && error.name === 'ResourceInUseException')) throw error;
  });
  const positions = new DynamoStreamCheckpoints(documents, table);
  await positions.reset('search', {});
  const { Table } = await low.send(new DescribeTableCommand({ TableName: table }));
  return new DynamoStreamRunner({
    client: streams,
    streamArn: Table!.LatestStreamArn!,
    snapshots: new DynamoSnapshots(documents, table),
    consumers: [{ projection: new SearchProjection(streamSide.searchIndex), checkpoints: positions }],
    pollIntervalMs: 100,
  });
}

async function indicesOf(name: string): Promise<string[]> {
  try {
    return Object.keys((await search.indices.getAlias({ name })).body as object).sort();
  } catch {
    return [];
  }
}

/** id → version and price of every live document under the alias. */
async function indexed(): Promise<Map<string, string>> {
  await search.indices.refresh({ index: alias });
  const { body } = await search.search({ index: alias, body: { size: 10_000, query: NOT_DELETED, _source: ['id', 'version', 'price'] } });
  const hits = (body as { hits: { hits: Array<{ _source: { id: string; version: number; price: number } }> } }).hits.hits;
  return new Map(hits.map((h) => [h._source.id, `v${h._source.version} ${h._source.price}`]));
}

/** The same, read from the table with a consistent scan. */
async function recorded(): Promise<Map<string, string>> {
  const snapshot = await new DynamoSnapshots(documents, table).open();
  const books = new Map<string, string>();
  for await (const book of snapshot.books()) books.set(book.id, `v${book.version} ${book.price}`);
  return books;
}

/** Edits the catalog through the record alone (another process, as a laptop or the HTTP function would) until stopped. */
function concurrentWriter(record: Awaited<ReturnType<typeof openRecordStore>>) {
  let stopped = false;
  let n = 10_000;
  let writes = 0;
  const done = (async () => {
    while (!stopped) {
      const ids = [...(await recorded()).keys()];
      for (let i = 0; i < 5 && !stopped; i++) {
        const id = ids[(n * 7 + i * 13) % ids.length]!;
        const op = (n + i) % 3;
        try {
          if (op === 0) await record.catalog.update(id, { price: 5000 + n });
          else if (op === 1) await record.catalog.delete(id);
          else await record.catalog.create(bookInput(n));
          writes++;
        } catch (error) {
          // A book another step of this loop already deleted.
          if (!(error instanceof Error && error.name === 'NotFoundError')) throw error;
        }
        n++;
      }
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await done;
      return writes;
    },
  };
}

describe('a chunked rebuild of the search index', () => {
  it('interrupted between chunks and resumed by new workers, while writes and the stream go on, ends with exactly the record', async () => {
    // Damage the live index, so that the rebuild has something to repair: a book missing, a stray one.
    const [first] = [...(await recorded()).keys()];
    await search.delete({ index: alias, id: first!, refresh: true });
    await streamSide.searchIndex.upsert([{ ...bookInput(99_999), id: 'stray-book', version: 1 }]);
    expect((await indexed()).has('stray-book')).toBe(true);
    const before = await indicesOf(alias);

    const streamFunction = await streamFunctionStandIn();
    await streamFunction.catchUp();
    streamFunction.start();
    const writerStore = await openRecordStore(config);
    const writer = concurrentWriter(writerStore);
    let writes = 0;
    try {
      const firstWorker = await openStore(config);
      const { job } = await firstWorker.rebuilds!.start('search');
      let result = await firstWorker.rebuilds!.work('search', job.id, { deadline: FAR(), handover: job.revision, maxChunks: 4 });
      await firstWorker.close();
      expect(result.outcome).toBe('more');
      // Between chunks, readers are still on the old index, and the copy is staged beside it.
      expect(await indicesOf(alias)).toEqual(before);
      expect(await indicesOf(stagingAlias(alias))).toEqual([result.job!.staged]);

      let invocations = 1;
      while (result.outcome === 'more') {
        // Each invocation is a new process: a store opened afresh, knowing only the job's id and revision.
        const worker = await openStore(config);
        try {
          result = await worker.rebuilds!.work('search', job.id, { deadline: FAR(), handover: result.job!.revision, maxChunks: 7 });
        } finally {
          await worker.close();
        }
        invocations++;
        expect(['more', 'done']).toContain(result.outcome);
      }
      expect(invocations).toBeGreaterThan(3);
      expect(result.job!.phase).toBe('done');
      expect(result.job!.chunks).toBeGreaterThan(20);
    } finally {
      writes = await writer.stop();
      await writerStore.close();
    }
    expect(writes).toBeGreaterThan(10);
    await streamFunction.catchUp();
    await streamFunction.stop();

    expect(await indexed()).toEqual(await recorded());
    const after = await indicesOf(alias);
    expect(after).toHaveLength(1);
    expect(after).not.toEqual(before);
    expect(await indicesOf(stagingAlias(alias))).toEqual([]);
  }, 300_000);

  /** A rebuilder over the real stores whose page reads go through `pages`. */
  function rebuilderWith(pages: RecordPages) {
    const index = new OpenSearchSearchIndex({ client: search, alias, replicas: 0 });
    const projection = new SearchProjection(index, index.staged);
    const checkpoints = new OpenSearchStreamCheckpoints({ client: search, alias, replicas: 0 });
    return new ChunkedRebuilder({
      projections: [projection],
      jobs: new DynamoRebuildJobs({ client: documents, tableName: table }),
      pages,
      snapshots: new DynamoSnapshots(documents, table),
      positions: streamFeedPositions([{ projection, checkpoints }]),
      chunkSize: 40,
    });
  }

  it('records a chunk that fails, keeps serving the old index, and resumes from the last chunk that succeeded', async () => {
    const real = new DynamoRecordPages(documents, table);
    let reads = 0;
    const flaky: RecordPages = {
      async books(cursor, limit) {
        if (++reads === 3) throw new Error('connection reset (injected)');
        return real.books(cursor, limit);
      },
      count: (source) => real.count(source),
    };
    const rebuilder = rebuilderWith(flaky);
    const before = await indicesOf(alias);
    const { job } = await rebuilder.start('search');
    await expect(rebuilder.work('search', job.id, { deadline: FAR() })).rejects.toThrow('injected');

    const jobs = new DynamoRebuildJobs({ client: documents, tableName: table });
    const failed = (await jobs.get('search'))!;
    expect(failed).toMatchObject({ id: job.id, phase: 'loading', chunks: 2, leaseUntil: 0, lastError: 'connection reset (injected)' });
    // Counted from the catalog's category counters, not by a scan.
    expect(failed.total).toBe((await recorded()).size);
    expect(await indicesOf(alias)).toEqual(before);
    expect(await indicesOf(stagingAlias(alias))).toEqual([failed.staged]);
    expect((await rebuilder.progress()).get('search')).toMatchObject({ stalled: true, lastError: 'connection reset (injected)' });

    // Started again, the stalled job is resumed, not begun anew.
    const again = await rebuilder.start('search');
    expect(again).toMatchObject({ resumed: true, job: { id: job.id } });
    const result = await rebuilder.work('search', job.id, { deadline: FAR() });
    expect(result.outcome).toBe('done');
    expect(result.job).toMatchObject({ phase: 'done', staged: failed.staged, lastError: null });
    expect(result.job!.chunks).toBeGreaterThan(2);
    expect(await indicesOf(alias)).toEqual([failed.staged]);
    expect(await indexed()).toEqual(await recorded());
  }, 120_000);

  it('gives up a job on restart: its staged copy is dropped and its worker stops at its next step', async () => {
    const rebuilder = rebuilderWith(new DynamoRecordPages(documents, table));
    const live = await indicesOf(alias);
    const { job } = await rebuilder.start('search');
    const partial = await rebuilder.work('search', job.id, { deadline: FAR(), handover: job.revision, maxChunks: 2 });
    expect(partial.outcome).toBe('more');
    await expect(rebuilder.start('search')).rejects.toThrow('already rebuilding');

    const restarted = await rebuilder.start('search', { restart: true });
    expect(restarted.resumed).toBe(false);
    expect(await rebuilder.work('search', job.id, { deadline: FAR(), handover: partial.job!.revision })).toMatchObject({ outcome: 'stale' });
    const result = await rebuilder.work('search', restarted.job.id, { deadline: FAR() });
    expect(result.outcome).toBe('done');
    expect((await search.indices.exists({ index: partial.job!.staged! })).body).toBe(false);
    expect(await indicesOf(alias)).toEqual([result.job!.staged]);
    expect(await indicesOf(alias)).not.toEqual(live);
    expect(await indexed()).toEqual(await recorded());
  }, 120_000);
});
