import type { Config } from '../config.js';
import { openStore } from '../composition.js';

export async function runStatus(config: Config): Promise<void> {
  const store = await openStore(config);
  try {
    const rows = await store.projections.status();
    console.table(
      rows.map((r) => ({
        store: r.name,
        checkpoint: r.position,
        head: r.headPosition,
        'lag (events)': r.lagEvents,
        'lag (s)': (r.lagMs / 1000).toFixed(1),
        'last error': r.lastError ?? '',
      })),
    );
  } finally {
    await store.close();
  }
}
