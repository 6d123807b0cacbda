import { randomUUID } from 'node:crypto';
import { ConflictError, NotFoundError } from '../domain/errors.js';
import type { RecordPages, Snapshots } from '../ports/change-feed.js';
import type { RebuildProgress } from '../ports/projection-control.js';
import type { RebuildJob, RebuildJobs } from '../ports/rebuild-jobs.js';
import type { Projection, ProjectionName } from './projection.js';
import type { RunnerLogger } from './runner.js';

/**
 * Where each projection stands in the change feed, as the runner that feeds it keeps it (engines:
 * its stream checkpoint in the derived store).
 */
export interface FeedPositions {
  /** The projection's position now, opaque (kept in the job record). */
  mark(name: ProjectionName): Promise<string>;
  /**
   * Delivers to the projection again everything after `mark`, under a new checkpoint generation, so
   * a consumer in the middle of a batch drops its stale position instead of overwriting this one.
   */
  replayFrom(name: ProjectionName, mark: string): Promise<void>;
}

export interface ChunkedRebuildOptions {
  projections: readonly Projection[];
  jobs: RebuildJobs;
  pages: RecordPages;
  /** For projections whose store has no staged rebuild: they are rebuilt in one step from a snapshot. */
  snapshots: Snapshots;
  positions: FeedPositions;
  /** Records read per chunk. Default 2000. */
  chunkSize?: number;
  /**
   * How long a worker holds a job without saving it before it counts as stalled, ms. Default 90 s:
   * renewed with every chunk, and short enough that Lambda's retry of an invocation that died finds
   * the job free. A worker that outlives its lease only loses the job at its next save (loading a page
   * twice is harmless).
   */
  leaseMs?: number;
  /** Time kept back for the switch at the end, ms: with less left the switch waits for the next worker. Default 60 s. */
  switchReserveMs?: number;
  logger?: RunnerLogger;
  now?: () => number;
}

export interface WorkOptions {
  /** Epoch ms by which this worker must have stopped (on Lambda: its deadline less a margin). */
  deadline: number;
  /**
   * The job revision a previous worker handed over with (its invocation of the next): the job may be
   * taken at once, though that worker's short hand-over lease has not run out.
   */
  handover?: number;
  /** Stops after this many chunks, as a deadline would (tests interrupt a rebuild with it). */
  maxChunks?: number;
  onChunk?: (job: RebuildJob) => void;
}

/**
 * `done`: switched in. `more`: stopped for time, job handed over at `job.revision`. `held`: another
 * worker holds the job. `stale`: the job is not this one any more (restarted, taken over, finished).
 */
export type WorkOutcome = 'done' | 'more' | 'held' | 'stale';

/** How long a worker that stopped for time keeps the job for the next one, ms. */
const HANDOVER_MS = 60_000;

/** What the job record says of a rebuild, for status. */
export function rebuildProgress(job: RebuildJob, now: number): RebuildProgress {
  const active = job.phase === 'loading' || job.phase === 'switching';
  return {
    id: job.id,
    phase: job.phase,
    loaded: job.loaded,
    total: job.total,
    chunks: job.chunks,
    startedAt: job.startedAt,
    updatedAt: job.updatedAt,
    stalled: active && job.leaseUntil <= now,
    lastError: job.lastError,
  };
}

function isActive(job: RebuildJob): boolean {
  return job.phase === 'loading' || job.phase === 'switching';
}

class JobLost extends Error {}

export interface RebuildJobControlOptions {
  jobs: RebuildJobs;
  /** The projections jobs may be started for. */
  names: readonly ProjectionName[];
  now?: () => number;
}

/**
 * Starts rebuild jobs and reports on them, from anywhere the system of record is reachable (a laptop,
 * the HTTP function); the rebuild function's workers (ChunkedRebuilder) do the work.
 */
export class RebuildJobControl {
  protected readonly jobs: RebuildJobs;
  protected readonly now: () => number;
  private readonly known: readonly ProjectionName[];

  constructor(options: RebuildJobControlOptions) {
    this.jobs = options.jobs;
    this.known = options.names;
    this.now = options.now ?? Date.now;
  }

  get names(): ProjectionName[] {
    return [...this.known];
  }

  /** The latest job of each projection, null where there was none. */
  async progress(): Promise<Map<ProjectionName, RebuildProgress | null>> {
    const now = this.now();
    const jobs = await Promise.all(this.known.map(async (name) => [name, await this.jobs.get(name)] as const));
    return new Map(jobs.map(([name, job]) => [name, job ? rebuildProgress(job, now) : null]));
  }

  /**
   * Records a new job for `name`, or answers the stalled one (not done, held by no worker) so that it
   * is resumed from its last chunk. ConflictError while a worker holds one. `restart`: a job that is
   * not done is given up and a new one starts; the new one's first step drops the old staged copy, and
   * a worker still on the old job stops at its next save.
   */
  async start(name: string, options: { restart?: boolean } = {}): Promise<{ job: RebuildJob; resumed: boolean }> {
    if (!this.known.includes(name as ProjectionName)) throw new NotFoundError('projection', name);
    const existing = await this.jobs.get(name);
    const now = this.now();
    if (existing && isActive(existing)) {
      if (!options.restart) {
        if (existing.leaseUntil > now) throw new ConflictError('rebuild-in-progress', `projection ${name} is already rebuilding (job ${existing.id}, ${existing.loaded} records loaded)`);
        // Saved as wanting a worker: on AWS that save is what starts the rebuild function again.
        const resumed = await this.jobs.save({ ...existing, wantsWorker: true, updatedAt: now });
        if (!resumed) throw new ConflictError('rebuild-in-progress', `the rebuild job of ${name} changed while it was being resumed; try again`);
        return { job: resumed, resumed: true };
      }
      const given = await this.jobs.save({ ...existing, phase: 'failed', lastError: 'given up by a restart', leaseUntil: 0, wantsWorker: false, updatedAt: now });
      if (!given) throw new ConflictError('rebuild-in-progress', `the rebuild job of ${name} changed while it was being given up; try again`);
    }
    const job: RebuildJob = {
      projection: name,
      id: randomUUID(),
      phase: 'loading',
      staged: null,
      cursor: null,
      before: null,
      loaded: 0,
      total: null,
      chunks: 0,
      startedAt: now,
      updatedAt: now,
      leaseUntil: 0,
      lastError: null,
      wantsWorker: true,
      revision: 0,
    };
    if (!(await this.jobs.create(job))) throw new ConflictError('rebuild-in-progress', `another rebuild of ${name} was started just now`);
    return { job, resumed: false };
  }
}

/**
 * Rebuilds projections in chunks that may each run in another process, for runtimes with a time
 * limit (a Lambda invocation lasts 15 minutes at most; a 1M-book catalog takes longer to index).
 * Everything a worker needs to go on is in the job record (`RebuildJobs`, in the system of record):
 * the staged copy's name, the cursor of the next page, the feed position from before the first chunk.
 *
 * Correct while serving and while the stream is applied concurrently, by the same two guarantees as a
 * rebuild in one process, made to hold across processes:
 * - the copy is staged in the derived store itself (OpenSearch: a second alias) before the first page
 *   is read, and every writer of the store, in any process, also writes to it; pages are read
 *   strongly consistent after that, and every write is versioned. So each book reaches the copy at the
 *   version its page read or at a newer one the stream applied, never older, whichever comes first.
 * - the switch is one atomic step of the store (one `_aliases` call), and only after it is the
 *   projection's feed position reset to where it stood before the first chunk, under a new generation:
 *   a runner that polls the feed (off Lambda) delivers everything since again, absorbed by idempotence.
 *
 * A chunk that fails leaves the record of the last chunk that succeeded: loading a page twice changes
 * nothing, so the next worker goes on from there. Until the switch, readers see the old store; the
 * switch either happened or not, and finishing again after it is a no-op. Giving up (`start` with
 * `restart`) leaves the staged copy to the next job's first step, which drops it. One job per projection at a time: saves are compare-and-sets on the
 * job's revision, and a worker holds the job by a lease it renews with every chunk.
 * Starting and following jobs needs only the record (RebuildJobControl); working on them needs the stores.
 */
export class ChunkedRebuilder extends RebuildJobControl {
  private readonly projections: Map<ProjectionName, Projection>;
  private readonly chunkSize: number;
  private readonly leaseMs: number;
  private readonly switchReserveMs: number;
  private readonly logger: RunnerLogger;

  constructor(private readonly options: ChunkedRebuildOptions) {
    super({ jobs: options.jobs, names: options.projections.map((p) => p.name), now: options.now });
    this.projections = new Map(options.projections.map((p) => [p.name, p]));
    this.chunkSize = options.chunkSize ?? 2000;
    this.leaseMs = options.leaseMs ?? 90_000;
    this.switchReserveMs = options.switchReserveMs ?? 60_000;
    this.logger = options.logger ?? { info() {}, warn() {}, error() {} };
  }

  /**
   * Works on job `jobId` of `name` until it is switched in or the deadline nears. Rejects with the
   * error of a failed chunk after recording it in the job and letting go of it, so the next worker
   * (a retry, a new start) resumes from the last chunk that succeeded.
   */
  async work(name: string, jobId: string, options: WorkOptions): Promise<{ outcome: WorkOutcome; job: RebuildJob | null }> {
    const projection = this.projection(name);
    const found = await this.options.jobs.get(projection.name);
    if (!found || found.id !== jobId || !isActive(found)) return { outcome: found?.id === jobId && found.phase === 'done' ? 'done' : 'stale', job: found };
    const handedOver = options.handover !== undefined && options.handover === found.revision;
    if (found.leaseUntil > this.now() && !handedOver) return { outcome: 'held', job: found };

    let job = found;
    const save = async (changes: Partial<RebuildJob>): Promise<RebuildJob> => {
      const saved = await this.options.jobs.save({ ...job, ...changes, updatedAt: this.now() });
      if (!saved) throw new JobLost(`the rebuild job ${jobId} of ${name} was changed by someone else`);
      job = saved;
      return saved;
    };
    try {
      job = await save({ wantsWorker: false, leaseUntil: projection.staged ? this.now() + this.leaseMs : Math.max(options.deadline, this.now() + this.leaseMs) });
      const outcome = projection.staged ? await this.workInChunks(projection, options, () => job, save) : await this.workInOneStep(projection, save);
      return { outcome, job };
    } catch (error) {
      if (error instanceof JobLost) return { outcome: 'stale', job: await this.options.jobs.get(projection.name) };
      const message = error instanceof Error ? error.message : String(error);
      this.logger.error({ projection: name, job: jobId, chunks: job.chunks, err: error }, 'rebuild chunk failed; the next worker resumes from the last chunk');
      await save({ lastError: message.slice(0, 2000), leaseUntil: 0 }).catch(() => undefined);
      throw error;
    }
  }

  private async workInChunks(
    projection: Projection,
    options: WorkOptions,
    current: () => RebuildJob,
    save: (changes: Partial<RebuildJob>) => Promise<RebuildJob>,
  ): Promise<WorkOutcome> {
    const staged = projection.staged!;
    const name = projection.name;
    if (current().staged === null) {
      // The position first, then the copy, then the pages: whatever the stream applied before the copy
      // existed is in the pages, whatever after is in the copy, and the replay covers both again.
      const before = await this.options.positions.mark(name);
      const total = await this.options.pages.count('books');
      const copy = await staged.begin();
      try {
        await save({ staged: copy, before, total });
      } catch (error) {
        await staged.abandon(copy).catch(() => undefined);
        throw error;
      }
      this.logger.info({ projection: name, job: current().id, staged: copy, total }, 'chunked rebuild began');
    }
    let chunks = 0;
    let slowest = 0;
    while (current().phase === 'loading') {
      if ((options.maxChunks !== undefined && chunks >= options.maxChunks) || this.now() + 2 * slowest > options.deadline) return this.handOver(save);
      const started = this.now();
      const page = await this.options.pages.books(current().cursor, this.chunkSize);
      await staged.load(current().staged!, page.items);
      const job = await save({
        cursor: page.next,
        phase: page.next === null ? 'switching' : 'loading',
        loaded: current().loaded + page.items.length,
        chunks: current().chunks + 1,
        leaseUntil: this.now() + this.leaseMs,
        lastError: null,
      });
      chunks++;
      slowest = Math.max(slowest, this.now() - started);
      options.onChunk?.(job);
    }
    // A worker that loaded nothing was handed the job for the switch alone: it goes on whatever its time,
    // or a short-lived worker would hand the switch on forever.
    if (chunks > 0 && options.deadline - this.now() < this.switchReserveMs) return this.handOver(save);
    await staged.finish(current().staged!);
    await this.options.positions.replayFrom(name, current().before!);
    await save({ phase: 'done', leaseUntil: 0, lastError: null });
    this.logger.info({ projection: name, job: current().id, loaded: current().loaded, chunks: current().chunks }, 'chunked rebuild switched in');
    return 'done';
  }

  /** A store with no staged rebuild (bestsellers, graph, book cache) is rebuilt by one worker in one go. */
  private async workInOneStep(projection: Projection, save: (changes: Partial<RebuildJob>) => Promise<RebuildJob>): Promise<WorkOutcome> {
    const before = await this.options.positions.mark(projection.name);
    const counts = await Promise.all(projection.sources.map((source) => this.options.pages.count(source)));
    await save({ before, total: counts.reduce((a, b) => a + b, 0) });
    const snapshot = await this.options.snapshots.open();
    try {
      await projection.rebuild(snapshot);
    } finally {
      await snapshot.close();
    }
    await this.options.positions.replayFrom(projection.name, before);
    await save({ phase: 'done', leaseUntil: 0, chunks: 1, loaded: counts.reduce((a, b) => a + b, 0), lastError: null });
    return 'done';
  }

  /**
   * Keeps the job for a short while for the next worker (or a caller's next `work`), and says a worker
   * is wanted: on AWS this save is what starts the next invocation, through the table's stream.
   */
  private async handOver(save: (changes: Partial<RebuildJob>) => Promise<RebuildJob>): Promise<WorkOutcome> {
    await save({ leaseUntil: this.now() + HANDOVER_MS, wantsWorker: true });
    return 'more';
  }

  private projection(name: string): Projection {
    const projection = this.projections.get(name as ProjectionName);
    if (!projection) throw new NotFoundError('projection', name);
    return projection;
  }
}
