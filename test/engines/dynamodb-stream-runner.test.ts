import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoCatalog } from '../../src/adapters/dynamodb/dynamodb-catalog.js';
import { DynamoStreamCheckpoints, type StreamCheckpointStore } from '../../src/adapters/dynamodb/dynamodb-stream-checkpoints.js';
import { DynamoStreamRunner } from '../../src/adapters/dynamodb/dynamodb-stream-runner.js';
import { DynamoSnapshots } from '../../src/adapters/dynamodb/dynamodb-snapshots.js';
import { createStreamCheckpointTable, createSystemOfRecordTables, deleteSystemOfRecordTables, documentClient } from '../../src/adapters/dynamodb/dynamodb-tables.js';
import type { Change } from '../../src/domain/change-event.js';
import type { Snapshot } from '../../src/ports/change-feed.js';
import type { Projection, ProjectionName } from '../../src/projections/projection.js';
import { withState } from '../../src/projections/projection-state.js';
import { bookInput } from '../conformance/system-of-record.js';
import { endpoints, uniqueName } from './endpoints.js';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const low = new DynamoDBClient({ endpoint: endpoints.dynamodb, region: 'us-east-1', credentials });
const documents = documentClient(low);
const streams = new DynamoDBStreamsClient({ endpoint: endpoints.dynamodb, region: 'us-east-1', credentials });
const tableName = uniqueName('runner');
let streamArn = '';

beforeAll(async () => {
  ({ streamArn } = await createSystemOfRecordTables(low, tableName));
  await createStreamCheckpointTable(low, tableName);
});
afterAll(async () => {
  await deleteSystemOfRecordTables(low, tableName);
  low.destroy();
  streams.destroy();
});

/** A derived store that is a set of book ids: enough to see what the runner delivered to whom. */
function bookIds(name: ProjectionName): Projection & { ids: Set<string> } {
  const ids = new Set<string>();
  return {
    name,
    sources: ['books'],
    ids,
    async apply(events: readonly Change[]) {
      for (const e of events) if (e.entity === 'book') e.op === 'remove' ? ids.delete(e.key) : ids.add(e.key);
    },
    async rebuild(snapshot: Snapshot) {
      ids.clear();
      for await (const book of snapshot.books()) ids.add(book.id);
    },
  };
}

/** Real checkpoints whose `reset` waits at a gate: a checkpoint store that is slow to create (OpenSearch's index). */
function gatedResets(store: StreamCheckpointStore) {
  let entered!: () => void;
  let release!: () => void;
  const resetEntered = new Promise<void>((resolve) => (entered = resolve));
  const gate = new Promise<void>((resolve) => (release = resolve));
  const gated: StreamCheckpointStore = {
    get: (consumer) => store.get(consumer),
    advance: (...args) => store.advance(...args),
    recordError: (...args) => store.recordError(...args),
    async reset(consumer, shards) {
      entered();
      await gate;
      return store.reset(consumer, shards);
    },
  };
  return { gated, resetEntered, release };
}

describe('the stream runner', () => {
  it('counts a catch-up as done only once every projection has read the stream, even one whose rebuild just ended', async () => {
    const catalog = new DynamoCatalog({ client: documents, tableName });
    const books = await Promise.all([1, 2, 3].map((n) => catalog.create(bookInput(n))));
    const quick = bookIds('bestsellers');
    const slow = bookIds('search');
    const { gated, resetEntered, release } = gatedResets(new DynamoStreamCheckpoints(documents, tableName));
    const runner = new DynamoStreamRunner({
      client: streams,
      streamArn,
      snapshots: new DynamoSnapshots(documents, tableName),
      consumers: [
        { projection: quick, checkpoints: new DynamoStreamCheckpoints(documents, tableName) },
        { projection: slow, checkpoints: gated },
      ],
    });
    try {
      // Neither has a checkpoint: the first catch-up rebuilds both, and the slow one's reset waits.
      const first = runner.catchUp();
      await resetEntered;
      const late = await catalog.create(bookInput(4));
      // A second catch-up whose pass is queued behind that reset: it must not end before `slow` reads `late`.
      const second = runner.catchUp();
      release();
      await second;
      const want = [...books, late].map((b) => b.id).sort();
      expect([...slow.ids].sort()).toEqual(want);
      expect([...quick.ids].sort()).toEqual(want);
      await first;
      const status = await runner.status();
      expect(status.map((s) => [s.name, s.lagEvents, s.rebuilding, s.lastError])).toEqual([
        ['bestsellers', 0, false, null],
        ['search', 0, false, null],
      ]);
    } finally {
      await runner.stop();
    }
  });

  it('reports unknown, not a lag of 0, where it has not read the stream, and what a read-only probe finds', async () => {
    const catalog = new DynamoCatalog({ client: documents, tableName });
    const checkpoints = new DynamoStreamCheckpoints(documents, tableName);
    const make = () =>
      new DynamoStreamRunner({ client: streams, streamArn, snapshots: new DynamoSnapshots(documents, tableName), consumers: [{ projection: bookIds('graph'), checkpoints }] });
    const serving = make();
    // A process of its own, as `bookstore status` is: it has made no pass.
    const looking = make();
    try {
      await serving.catchUp();
      await catalog.create(bookInput(5));
      const [before] = (await looking.status()).map(withState);
      expect(before).toMatchObject({ state: 'unknown', lagEvents: 0 });
      expect(before!.lagUnknown).toMatch(/not read the stream/);

      await looking.probe();
      const [probed] = (await looking.status()).map(withState);
      expect(probed).toMatchObject({ state: 'behind', lagEvents: 1 });
      expect(probed!.lagUnknown).toBeUndefined();
      // The probe applied nothing: the checkpoint is where the serving runner left it.
      expect((await checkpoints.get('graph')).applied).toBe((await serving.status())[0]!.position);

      await serving.catchUp();
      const fresh = make();
      await fresh.probe();
      expect((await fresh.status()).map(withState)[0]).toMatchObject({ state: 'caught-up', lagEvents: 0 });
    } finally {
      await Promise.all([serving.stop(), looking.stop()]);
    }
  });
});
