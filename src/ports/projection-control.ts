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
  lastError: string | null;
  rebuilding: boolean;
  updatedAt: number;
  /** Commit-to-apply delay of the events this process applied in the last minute (0 samples: none). */
  delivery: { samples: number; p50Ms: number; p99Ms: number; maxMs: number };
}

/** What operators drive of the change-feed runner (embedded: in-process; AWS: the stream pollers). */
export interface ProjectionControl {
  status(): Promise<ProjectionStatus[]>;
  /** Rebuilds one derived store from the system of record while reads go on; only names `status` lists. */
  rebuild(name: string): Promise<void>;
}
