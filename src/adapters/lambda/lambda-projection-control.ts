import type { ProjectionControl, ProjectionStatus, RebuildStarted } from '../../ports/projection-control.js';
import type { RebuildJobControl } from '../../projections/chunked-rebuild.js';

/** Why the HTTP function cannot tell how far behind the stream function is. */
export const STREAM_LAG_UNKNOWN =
  "the stream function's event source mapping keeps its positions, not this function: see its IteratorAge metric in CloudWatch";

export interface LambdaProjectionControlOptions {
  /** The checkpoints kept in the derived stores (their generation, last rebuild); the runner is never started here. */
  checkpoints: Pick<ProjectionControl, 'status'>;
  /** Starting a job is all it takes: the job item's save reaches the rebuild function through the table's stream. */
  jobs: RebuildJobControl;
}

/**
 * ProjectionControl for the HTTP function on Lambda. A rebuild cannot run in the function that
 * answers it (API Gateway gives up after 29 s, and a frozen container does no background work), so
 * it records a job, whose item the table's stream hands to the rebuild function (a filtered event
 * source mapping, so no Lambda API call and no `lambda` VPC endpoint), which works through it in
 * chunks; the status
 * shows the job's progress beside each projection's checkpoint.
 */
export class LambdaProjectionControl implements ProjectionControl {
  constructor(private readonly options: LambdaProjectionControlOptions) {}

  async status(): Promise<ProjectionStatus[]> {
    const [rows, progress] = await Promise.all([this.options.checkpoints.status(), this.options.jobs.progress()]);
    return rows.map((row) => {
      const rebuild = progress.get(row.name as never) ?? null;
      const running = rebuild !== null && (rebuild.phase === 'loading' || rebuild.phase === 'switching') && !rebuild.stalled;
      return { ...row, lagEvents: 0, lagMs: 0, lagUnknown: STREAM_LAG_UNKNOWN, rebuilding: running, rebuild };
    });
  }

  /** Starts the rebuild and waits for the job to be done, polling its record (for callers that must wait). */
  async rebuild(name: string): Promise<void> {
    const { job } = await this.begin(name);
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      const progress = (await this.options.jobs.progress()).get(name as never);
      if (!progress || progress.id !== job.id || progress.phase === 'failed') throw new Error(`the rebuild of ${name} was given up`);
      if (progress.phase === 'done') return;
      if (progress.stalled) throw new Error(`the rebuild of ${name} stalled: ${progress.lastError ?? 'no worker holds it'}; start it again to resume`);
    }
  }

  async startRebuild(name: string): Promise<RebuildStarted> {
    await this.begin(name);
    return { finished: null };
  }

  private begin(name: string) {
    return this.options.jobs.start(name);
  }
}
