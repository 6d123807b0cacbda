import type { Config } from '../config.js';
import { openStore } from '../composition.js';
import type { ProjectionName } from '../projections/projection.js';
import { printSummary } from './progress.js';

export async function runRebuild(config: Config, names: ProjectionName[]): Promise<void> {
  const store = await openStore(config);
  try {
    const timings: Record<string, string> = {};
    for (const name of names) {
      const started = Date.now();
      let items = 0;
      let lastShown = 0;
      await store.projections.rebuild(name, {
        onItem: () => {
          items++;
          if (Date.now() - lastShown > 1000) {
            lastShown = Date.now();
            process.stderr.write(`rebuilding ${name}: ${items.toLocaleString('en')} records read\n`);
          }
        },
      });
      timings[name] = `${items.toLocaleString('en')} records in ${((Date.now() - started) / 1000).toFixed(1)} s`;
    }
    await store.projections.catchUp();
    printSummary(timings);
  } finally {
    await store.close();
  }
}
