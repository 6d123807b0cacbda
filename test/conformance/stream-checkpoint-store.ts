import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StreamCheckpointStore } from '../../src/adapters/dynamodb/dynamodb-stream-checkpoints.js';

export type MakeStreamCheckpointStore = () => Promise<{ store: StreamCheckpointStore; close(): Promise<void> }>;

/** What the stream runner needs of wherever a projection keeps its per-shard stream positions. */
export function streamCheckpointStoreConformance(make: MakeStreamCheckpointStore): void {
  describe('StreamCheckpointStore conformance', () => {
    let subject: Awaited<ReturnType<MakeStreamCheckpointStore>>;
    let store: StreamCheckpointStore;
    beforeEach(async () => {
      subject = await make();
      store = subject.store;
    });
    afterEach(async () => {
      await subject.close();
    });

    it('starts with no checkpoint: generation 0, no shards', async () => {
      expect(await store.get('search')).toMatchObject({ generation: 0, shards: {}, applied: 0, lastError: null });
    });

    it('advances shard positions under the generation it read, and refuses a stale generation', async () => {
      const started = await store.reset('search', {});
      expect(started.generation).toBe(1);
      expect(await store.advance('search', 1, { 'shard-1': { after: '100', done: false } }, 3)).toBe(true);
      expect(await store.get('search')).toMatchObject({ generation: 1, shards: { 'shard-1': { after: '100', done: false } }, applied: 3 });

      const rebuilt = await store.reset('search', { 'shard-1': { after: '50', done: false } });
      expect(rebuilt.generation).toBe(2);
      expect(await store.advance('search', 1, { 'shard-1': { after: '200', done: true } }, 9)).toBe(false);
      expect(await store.get('search')).toMatchObject({ generation: 2, shards: { 'shard-1': { after: '50', done: false } }, applied: 0 });
    });

    it('lets a first consumer advance from generation 0', async () => {
      expect(await store.advance('graph', 0, { a: { done: true } }, 1)).toBe(true);
      expect((await store.get('graph')).shards).toEqual({ a: { done: true } });
    });

    it('keeps consumers apart', async () => {
      await store.reset('search', { a: { after: '1', done: false } });
      expect((await store.get('graph')).generation).toBe(0);
      expect((await store.get('search')).shards).toEqual({ a: { after: '1', done: false } });
    });

    it('records and clears the last error without moving the position', async () => {
      await store.reset('search', { a: { after: '7', done: false } });
      await store.recordError('search', 'OpenSearch is down');
      expect(await store.get('search')).toMatchObject({ lastError: 'OpenSearch is down', shards: { a: { after: '7', done: false } }, generation: 1 });
      await store.recordError('search', null);
      expect((await store.get('search')).lastError).toBeNull();
    });
  });
}
