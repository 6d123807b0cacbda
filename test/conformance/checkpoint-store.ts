import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CheckpointStore } from '../../src/ports/checkpoint-store.js';

interface CheckpointStoreUnderTest {
  checkpoints: CheckpointStore;
  close(): Promise<void>;
}

export function checkpointStoreConformance(make: () => Promise<CheckpointStoreUnderTest>): void {
  describe('CheckpointStore conformance', () => {
    let store: CheckpointStoreUnderTest;
    let checkpoints: CheckpointStore;
    beforeEach(async () => {
      store = await make();
      checkpoints = store.checkpoints;
    });
    afterEach(async () => {
      await store.close();
    });

    it('starts every projection at position 0, generation 0, without error', async () => {
      expect(await checkpoints.get('search')).toMatchObject({ position: 0, generation: 0, lastError: null });
    });

    it('advances within generation 0 before any reset, forwards and back', async () => {
      const before = Date.now();
      expect(await checkpoints.advance('search', 0, 10)).toBe(true);
      const cp = await checkpoints.get('search');
      expect(cp).toMatchObject({ position: 10, generation: 0, lastError: null });
      expect(cp.updatedAt).toBeGreaterThanOrEqual(before);
      expect(await checkpoints.advance('search', 0, 25)).toBe(true);
      // Moving back is allowed: it is how a rewind redelivers events.
      expect(await checkpoints.advance('search', 0, 5)).toBe(true);
      expect((await checkpoints.get('search')).position).toBe(5);
    });

    it('refuses to advance under a generation other than the stored one', async () => {
      expect(await checkpoints.advance('search', 1, 10)).toBe(false);
      expect(await checkpoints.get('search')).toMatchObject({ position: 0, generation: 0 });
      await checkpoints.advance('search', 0, 10);
      const reset = await checkpoints.reset('search', 40);
      expect(reset).toMatchObject({ position: 40, generation: 1 });
      // A consumer still holding generation 0 cannot overwrite the rebuilt position.
      expect(await checkpoints.advance('search', 0, 11)).toBe(false);
      expect(await checkpoints.get('search')).toMatchObject({ position: 40, generation: 1 });
      expect(await checkpoints.advance('search', 1, 45)).toBe(true);
      expect(await checkpoints.get('search')).toMatchObject({ position: 45, generation: 1 });
      await checkpoints.reset('search', 60);
      expect(await checkpoints.advance('search', 1, 46)).toBe(false);
      expect(await checkpoints.get('search')).toMatchObject({ position: 60, generation: 2 });
    });

    it('starts a new generation on every reset, also for a projection never seen before', async () => {
      const first = await checkpoints.reset('graph', 7);
      expect(first).toMatchObject({ position: 7, generation: 1, lastError: null });
      expect(await checkpoints.get('graph')).toEqual(first);
      const second = await checkpoints.reset('graph', 3);
      expect(second).toMatchObject({ position: 3, generation: 2 });
      expect(await checkpoints.get('graph')).toEqual(second);
    });

    it('records and clears the last error, keeping the position and generation', async () => {
      await checkpoints.reset('bestsellers', 12);
      await checkpoints.recordError('bestsellers', 'boom');
      expect(await checkpoints.get('bestsellers')).toMatchObject({ position: 12, generation: 1, lastError: 'boom' });
      expect(await checkpoints.advance('bestsellers', 1, 13)).toBe(true);
      expect((await checkpoints.get('bestsellers')).lastError).toBe('boom');
      await checkpoints.recordError('bestsellers', null);
      expect(await checkpoints.get('bestsellers')).toMatchObject({ position: 13, generation: 1, lastError: null });
      await checkpoints.recordError('search', 'first failure');
      expect(await checkpoints.get('search')).toMatchObject({ position: 0, generation: 0, lastError: 'first failure' });
    });

    it('keeps projections apart', async () => {
      await checkpoints.advance('search', 0, 3);
      await checkpoints.reset('graph', 9);
      expect(await checkpoints.get('search')).toMatchObject({ position: 3, generation: 0 });
      expect(await checkpoints.get('graph')).toMatchObject({ position: 9, generation: 1 });
      expect(await checkpoints.get('bestsellers')).toMatchObject({ position: 0, generation: 0 });
    });
  });
}
