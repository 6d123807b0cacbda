import type { ProjectionControl, ProjectionStatus, RebuildStarted } from '../../ports/projection-control.js';
import type { RebuildJobControl } from '../../projections/chunked-rebuild.js';
import type { RebuildEvent } from './lambda-rebuild-invoker.js';

/** Why the HTTP function cannot tell how far behind the stream function is. */
export const STREAM_LAG_UNKNOWN =
  "the stream function's event source mapping keeps its positions, not this function: see its IteratorAge metric in CloudWatch";

export interface LambdaProjectionControlOptions {
  /** The checkpoints kept in the derived stores (their generation, last rebuild); the runner is never started here. */
  checkpoints: Pick<ProjectionControl, 'status'>;
  jobs: RebuildJobControl;
  invoker: { invoke(event: RebuildEvent): Promise<void> };
}

/**
 * ProjectionControl for the HTTP function on Lambda. A rebuild cannot run in the function that
 * answers it (API Gateway gives up after 29 s, and a frozen container does no background work), so
 * it records a job and invokes the rebuild function, which works through it in chunks; the status
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

  private async begin(name: string) {
    const started = await this.options.jobs.start(name);
    await this.options.invoker.invoke({ projection: name, jobId: started.job.id, handover: started.job.revision });
    return started;
  }
}
