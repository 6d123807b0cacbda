import type { Config } from '../config.js';
import { openRecordStore, openStore } from '../composition.js';
import type { RebuildJobControl } from '../projections/chunked-rebuild.js';
import type { ProjectionName } from '../projections/projection.js';
import { readyForNextStart } from './catch-up.js';
import { noProgress, printSummary, startProgress, type Progress } from './progress.js';

export interface RebuildCommandOptions {
  /** Deployed: give up a job that is not done and start over (default: resume it). */
  restart?: boolean;
  /** Deployed: follow the job until it is done (default), or return once the job is recorded. */
  wait?: boolean;
}

export interface RebuildCommandDeps {
  /** How often a followed job is read again, ms. */
  pollMs?: number;
  /** How long a job may stay stalled (a chunk failed) while Lambda's retries may still resume it, ms. */
  stalledGraceMs?: number;
}

/**
 * Rebuilds the named derived stores, or `all` that this profile runs (only the engines profile has a
 * book cache). With BOOKSTORE_DERIVED_STORES=deployed the stores are out of this process's reach, so
 * the rebuild runs in the rebuild function, in chunks: this command records the job, whose item the
 * table's stream hands to the function (no Lambda API call, so no credentials for it), and follows it.
 */
export async function runRebuild(config: Config, which: ProjectionName[] | 'all', options: RebuildCommandOptions = {}, deps: RebuildCommandDeps = {}): Promise<void> {
  if (config.engines?.derivedStores === 'deployed') return runDeployedRebuild(config, which, options, deps);
  const store = await openStore(config);
  try {
    const names = which === 'all' ? store.projections.names : which;
    const timings: Record<string, string> = {};
    for (const name of names) {
      const started = Date.now();
      let items = 0;
      let bar: Progress = noProgress;
      await store.projections.rebuild(name, {
        onStart: (total) => (bar = startProgress(`rebuilding ${name}`, total)),
        onItem: () => {
          items++;
          bar.increment();
        },
      });
      bar.stop();
      timings[name] = `${items.toLocaleString('en')} records in ${((Date.now() - started) / 1000).toFixed(1)} s`;
    }
    await store.projections.catchUp();
    // A rebuilt search index is new tables: without this the next start would read every stored book.
    await readyForNextStart(store);
    printSummary(timings);
  } finally {
    await store.close();
  }
}

async function runDeployedRebuild(config: Config, which: ProjectionName[] | 'all', options: RebuildCommandOptions, deps: RebuildCommandDeps): Promise<void> {
  const record = await openRecordStore(config);
  try {
    const jobs = record.rebuildJobs!;
    const names = which === 'all' ? jobs.names : which;
    const timings: Record<string, string> = {};
    for (const name of names) {
      const started = Date.now();
      const { job, resumed } = await jobs.start(name, { restart: options.restart ?? false });
      console.error(`${resumed ? 'resuming the stalled' : 'started the'} rebuild of ${name} (job ${job.id}); the table's stream hands it to the rebuild function`);
      if (options.wait === false) {
        timings[name] = `started, job ${job.id}; follow it with \`bookstore status\``;
        continue;
      }
      const loaded = await follow(jobs, name, job.id, deps);
      timings[name] = `${loaded.toLocaleString('en')} records in ${((Date.now() - started) / 1000).toFixed(1)} s`;
    }
    printSummary(timings);
  } finally {
    await record.close();
  }
}

/** Reads the job until it is done, with a progress bar; rejects when it was given up or stays stalled. */
async function follow(jobs: RebuildJobControl, name: string, jobId: string, deps: RebuildCommandDeps): Promise<number> {
  const pollMs = deps.pollMs ?? 2_000;
  const graceMs = deps.stalledGraceMs ?? 4 * 60_000;
  let bar: Progress | null = null;
  let shown = 0;
  let stalledSince: number | null = null;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, pollMs));
    const progress = (await jobs.progress()).get(name as ProjectionName);
    if (!progress || progress.id !== jobId || progress.phase === 'failed') {
      bar?.stop();
      throw new Error(`the rebuild of ${name} (job ${jobId}) was given up${progress?.lastError ? `: ${progress.lastError}` : ''}`);
    }
    if (progress.total !== null) {
      bar ??= startProgress(`rebuilding ${name}`, progress.total);
      bar.increment(progress.loaded - shown);
      shown = progress.loaded;
    }
    if (progress.phase === 'done') {
      bar?.stop();
      return progress.loaded;
    }
    if (!progress.stalled) {
      stalledSince = null;
      continue;
    }
    // The stream mapping retries a failed invocation (REBUILD_RETRY_ATTEMPTS), resuming from the last chunk.
    stalledSince ??= Date.now();
    if (Date.now() - stalledSince > graceMs) {
      bar?.stop();
      throw new Error(
        `the rebuild of ${name} stalled after ${progress.loaded} records${progress.lastError ? ` (${progress.lastError})` : ''}. ` +
          'Run the same command again to resume it from its last chunk, or add --restart to start over; the function\'s logs in CloudWatch say more.',
      );
    }
  }
}
