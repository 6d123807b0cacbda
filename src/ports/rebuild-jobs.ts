/**
 * A rebuild that runs in chunks, possibly across several processes or Lambda invocations, keeps its
 * progress here, in the system of record, so anyone who can reach the record (a laptop, the HTTP
 * function, the next invocation) can see and resume it.
 */
export type RebuildPhase = 'loading' | 'switching' | 'done' | 'failed';

export interface RebuildJob {
  /** The projection being rebuilt; one job record per projection (the latest). */
  projection: string;
  /** Random id; an invocation working on another id than the stored one is stale and stops. */
  id: string;
  phase: RebuildPhase;
  /** The derived store's name for the copy being filled (OpenSearch: the new generation's index); null before it exists. */
  staged: string | null;
  /** Where reading the record goes on (opaque to the job store); null: from the start. */
  cursor: string | null;
  /** The projection's change-feed position before the first chunk (opaque), replayed from after the switch. */
  before: string | null;
  /** Records loaded so far, and how many the record held when the job started (null: not counted yet). */
  loaded: number;
  total: number | null;
  chunks: number;
  startedAt: number;
  updatedAt: number;
  /** Until when (epoch ms) the worker holding the job may go on without saving it; 0: nobody holds it. */
  leaseUntil: number;
  lastError: string | null;
  /**
   * True while the job waits for a worker to take it up: when it is created, resumed or handed over
   * for time; the worker that takes it sets it false. On AWS every save that sets it starts the
   * rebuild function, through the table's stream (infra/lib/compute/rebuild-invocation.ts).
   */
  wantsWorker: boolean;
  /** Bumped by every save; saves are compare-and-sets on it. */
  revision: number;
}

export interface RebuildJobs {
  get(projection: string): Promise<RebuildJob | null>;
  /**
   * Stores a new job at revision 0 unless the projection has one that is neither done nor failed;
   * true when stored.
   */
  create(job: RebuildJob): Promise<boolean>;
  /** Stores `job` at revision + 1 if the stored job still has `job.revision`; the stored job, or null when another writer got there first. */
  save(job: RebuildJob): Promise<RebuildJob | null>;
}
