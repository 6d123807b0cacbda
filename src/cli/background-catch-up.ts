import type { Config } from '../config.js';
import { startModuleWorker } from '../runtime/module-worker.js';

export interface BackgroundCatchUp {
  /** Lets the worker finish the pass in hand and close; settles when it has exited (never rejects). */
  stop(): Promise<void>;
}

/**
 * Starts catch-up-worker.ts on a worker thread, which applies the change feed to the derived stores as
 * the caller commits (embedded profile only: the worker opens the same SQLite files). The caller
 * still catches up after stop(): the worker is a head start, not a promise of completeness.
 */
export function startBackgroundCatchUp(config: Config): BackgroundCatchUp {
  const worker = startModuleWorker(import.meta.url, 'catch-up-worker', { config });
  let failure: string | null = null;
  worker.on('message', (message: { error?: string }) => {
    if (message.error) failure = message.error;
  });
  worker.on('error', (error) => {
    failure = error.message;
  });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    async stop() {
      worker.postMessage('stop');
      await exited;
      if (failure) console.error(`Indexing in the background stopped (${failure}); continuing in this process.`);
    },
  };
}
