import type { Config } from '../config.js';
import { openStore } from '../composition.js';
import type { ProjectionName } from '../projections/projection.js';
import { noProgress, printSummary, startProgress, type Progress } from './progress.js';

export async function runRebuild(config: Config, names: ProjectionName[]): Promise<void> {
  const store = await openStore(config);
  try {
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
