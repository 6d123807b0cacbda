import type { Config } from '../config.js';
import { openStore } from '../composition.js';
import type { ProjectionName } from '../projections/projection.js';
import { noProgress, printSummary, startProgress, type Progress } from './progress.js';

/** Rebuilds the named derived stores, or `all` that this profile runs (only the engines profile has a book cache). */
export async function runRebuild(config: Config, which: ProjectionName[] | 'all'): Promise<void> {
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
    printSummary(timings);
  } finally {
    await store.close();
  }
}
