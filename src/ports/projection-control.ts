/**
 * One word for where a derived store stands, the one an operator reads first (see
 * src/projections/projection-state.ts): `failing` whenever its last attempt failed, whatever the lag
 * figures say; `caught-up` only when nothing is failing, rebuilding, unknown or waiting.
 */
export type ProjectionState = 'caught-up' | 'behind' | 'failing' | 'rebuilding' | 'unknown';

/** Where one derived store stands in the change feed. */
export interface ProjectionStatus {
  name: string;
  position: number;
  generation: number;
  headPosition: number;
  /** Committed events the projection has not applied yet. */
  lagEvents: number;
  /** Age of the oldest unapplied event, ms; 0 when caught up. */
  lagMs: number;
  /** Set where the lag cannot be known from here (the two lag figures are then 0 and mean nothing): why, and where to look. */
  lagUnknown?: string;
  lastError: string | null;
  rebuilding: boolean;
  /** Set on every status the use cases answer (the runners leave it to projectionState). */
  state?: ProjectionState;
  updatedAt: number;
  /** Commit-to-apply delay of the events this process applied in the last minute (0 samples: none). */
  delivery: { samples: number; p50Ms: number; p99Ms: number; maxMs: number };
  /** The latest rebuild that runs in chunks elsewhere (a function of its own); absent where rebuilds run in process. */
  rebuild?: RebuildProgress | null;
}

/** Where a chunked rebuild stands, as its job record says. */
export interface RebuildProgress {
  id: string;
  phase: 'loading' | 'switching' | 'done' | 'failed';
  loaded: number;
  /** Records to load, counted when the rebuild started; null until then. */
  total: number | null;
  chunks: number;
  startedAt: number;
  updatedAt: number;
  /** Neither done nor held by a worker: it waits for a new start, which resumes it from its last chunk. */
  stalled: boolean;
  lastError: string | null;
}

/** A rebuild that was started: `finished` settles when it ends if it runs in this process; null when it runs elsewhere (follow `status`). */
export interface RebuildStarted {
  finished: Promise<void> | null;
}

/** What operators drive of the change-feed runner (embedded: in-process; AWS: the stream pollers). */
export interface ProjectionControl {
  status(): Promise<ProjectionStatus[]>;
  /** Rebuilds one derived store from the system of record while reads go on; only names `status` lists. */
  rebuild(name: string): Promise<void>;
  /**
   * Starts a rebuild and answers once it is under way. In process (server, CLI): `rebuild` in the
   * background. On Lambda: a job that a function of its own works through in chunks, resuming a
   * stalled one rather than starting over.
   */
  startRebuild(name: string): Promise<RebuildStarted>;
}
