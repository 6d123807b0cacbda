/**
 * A worker thread that applies the change feed to the derived stores while the main thread is still
 * writing (an import): the second core indexes the books already committed instead of waiting for the
 * last one. It is only a head start: the runner's checkpoints say what it applied, and whatever it did
 * not get to, the main thread applies after it stops. Messages: in, 'stop' (finish the batch in
 * hand, close, exit); out, { error } when a pass fails (the main thread applies the rest itself).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Config } from '../config.js';
import { openStore } from '../composition.js';

/** How long to wait for more commits when the feed is drained. */
const IDLE_MS = 100;

const port = parentPort!;
let stopping = false;
port.on('message', (message) => {
  if (message === 'stop') stopping = true;
});

const store = await openStore((workerData as { config: Config }).config, { bulkLoad: true });
try {
  while (!stopping) {
    const behind = (await store.projections.status()).some((p) => p.lagEvents > 0);
    if (behind) {
      await store.projections.catchUp();
    } else {
      await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
    }
  }
} catch (error) {
  port.postMessage({ error: error instanceof Error ? error.message : String(error) });
} finally {
  await store.close();
  port.close();
}
