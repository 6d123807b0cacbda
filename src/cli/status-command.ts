import type { Config } from '../config.js';
import { openRecordStore } from '../composition.js';
import type { RebuildProgress } from '../ports/projection-control.js';
import { withState } from '../projections/projection-state.js';

/** One line for the latest chunked rebuild of a store (run by the rebuild function), empty if none. */
export function describeRebuild(progress: RebuildProgress | null | undefined): string {
  if (!progress) return '';
  const counted = `${progress.loaded.toLocaleString('en')}/${progress.total === null ? '?' : progress.total.toLocaleString('en')}`;
  if (progress.phase === 'done') return `done ${new Date(progress.updatedAt).toISOString()} (${counted})`;
  if (progress.phase === 'failed') return `given up${progress.lastError ? `: ${progress.lastError}` : ''}`;
  const state = progress.stalled ? `stalled${progress.lastError ? `: ${progress.lastError}` : ''} (run rebuild again to resume)` : progress.phase;
  return `${state} ${counted} in ${progress.chunks} chunks`;
}

export async function runStatus(config: Config): Promise<void> {
  const opened = await openRecordStore(config);
  try {
    const rebuilds = opened.rebuildJobs ? await opened.rebuildJobs.progress() : new Map<string, RebuildProgress | null>();
    if (opened.store) {
      const { projections } = opened.store;
      // A stream-fed runner that made no pass knows nothing of what waits: it looks first, read-only.
      await projections.probe?.();
      const rows = (await projections.status()).map(withState);
      console.table(
        rows.map((r) => ({
          store: r.name,
          state: r.state,
          checkpoint: r.position,
          head: r.headPosition,
          'lag (events)': r.state === 'unknown' ? '?' : r.lagEvents,
          'lag (s)': r.state === 'unknown' ? '?' : (r.lagMs / 1000).toFixed(1),
          'last error': r.lastError ?? '',
          ...(opened.rebuildJobs ? { 'chunked rebuild': describeRebuild(rebuilds.get(r.name)) } : {}),
        })),
      );
      return;
    }
    // Outside the VPC: only the record is in reach. The stream's positions and errors are in the derived
    // stores and the event source mapping, so this says it does not know rather than showing a lag of 0.
    console.table(
      opened.rebuildJobs!.names.map((name) => ({ store: name, 'stream lag': 'not visible from here', 'chunked rebuild': describeRebuild(rebuilds.get(name)) })),
    );
    console.error(
      'BOOKSTORE_DERIVED_STORES=deployed: the derived stores and their checkpoints are inside the VPC, out of reach of this process. ' +
        "Each store's position and last error: the admin page (GET /api/v1/admin/projections). The stream's lag: the stream function's " +
        'IteratorAge metric in CloudWatch. Rebuilds above are read from the table.',
    );
  } finally {
    await opened.close();
  }
}
