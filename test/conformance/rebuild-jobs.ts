import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RebuildJob, RebuildJobs } from '../../src/ports/rebuild-jobs.js';

interface RebuildJobsUnderTest {
  jobs: RebuildJobs;
  close(): Promise<void>;
}

export function newJob(overrides: Partial<RebuildJob> = {}): RebuildJob {
  return {
    projection: 'search',
    id: 'job-1',
    phase: 'loading',
    staged: null,
    cursor: null,
    before: null,
    loaded: 0,
    total: null,
    chunks: 0,
    startedAt: 1_000,
    updatedAt: 1_000,
    leaseUntil: 0,
    lastError: null,
    wantsWorker: true,
    revision: 0,
    ...overrides,
  };
}

export function rebuildJobsConformance(make: () => Promise<RebuildJobsUnderTest>): void {
  describe('RebuildJobs conformance', () => {
    let store: RebuildJobsUnderTest;
    let jobs: RebuildJobs;
    beforeEach(async () => {
      store = await make();
      jobs = store.jobs;
    });
    afterEach(async () => {
      await store.close();
    });

    it('has no job for a projection never rebuilt', async () => {
      expect(await jobs.get('search')).toBeNull();
    });

    it('stores a new job at revision 0 and gives back every field as stored', async () => {
      expect(await jobs.create(newJob({ revision: 9, staged: 'x', cursor: 'c', before: '{}', total: 5, lastError: 'e' }))).toBe(true);
      expect(await jobs.get('search')).toEqual(newJob({ revision: 0, staged: 'x', cursor: 'c', before: '{}', total: 5, lastError: 'e' }));
      const taken = await jobs.save({ ...(await jobs.get('search'))!, wantsWorker: false });
      expect(await jobs.get('search')).toEqual({ ...taken, wantsWorker: false });
      expect(await jobs.get('graph')).toBeNull();
    });

    it('refuses a second job while one is neither done nor failed, and takes one over a finished job', async () => {
      await jobs.create(newJob());
      expect(await jobs.create(newJob({ id: 'job-2' }))).toBe(false);
      const switching = await jobs.save({ ...(await jobs.get('search'))!, phase: 'switching' });
      expect(await jobs.create(newJob({ id: 'job-2' }))).toBe(false);
      await jobs.save({ ...switching!, phase: 'done' });
      expect(await jobs.create(newJob({ id: 'job-2' }))).toBe(true);
      expect((await jobs.get('search'))!.id).toBe('job-2');
      await jobs.save({ ...(await jobs.get('search'))!, phase: 'failed' });
      expect(await jobs.create(newJob({ id: 'job-3' }))).toBe(true);
    });

    it('saves only over the revision it read, and bumps it', async () => {
      await jobs.create(newJob());
      const read = (await jobs.get('search'))!;
      const saved = await jobs.save({ ...read, loaded: 10, cursor: 'page-2' });
      expect(saved).toEqual({ ...read, loaded: 10, cursor: 'page-2', revision: 1 });
      expect(await jobs.get('search')).toEqual(saved);
      // A writer that read revision 0 lost the race: nothing of its write is kept.
      expect(await jobs.save({ ...read, loaded: 99 })).toBeNull();
      expect((await jobs.get('search'))!.loaded).toBe(10);
    });

    it('refuses a save for another job than the stored one, at the same revision', async () => {
      await jobs.create(newJob());
      expect(await jobs.save(newJob({ id: 'job-2' }))).toBeNull();
      expect((await jobs.get('search'))!.id).toBe('job-1');
    });

    it('keeps the jobs of different projections apart', async () => {
      await jobs.create(newJob());
      expect(await jobs.create(newJob({ projection: 'graph', id: 'job-g' }))).toBe(true);
      expect((await jobs.get('graph'))!.id).toBe('job-g');
      expect((await jobs.get('search'))!.id).toBe('job-1');
    });
  });
}
