import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Config } from '../config.js';

const fromSource = () => import.meta.url.endsWith('.ts');

/** tsx's ESM API (its CommonJS build cannot register the ESM loader), found from this package. */
function tsxApi(): string {
  const tsx = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  return pathToFileURL(join(tsx, 'dist/esm/api/index.mjs')).href;
}

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
  const worker = fromSource()
    ? // Run from source (tsx, vitest), the worker is TypeScript too: it registers tsx's loader, then loads it.
      new Worker(
        `import(${JSON.stringify(tsxApi())})` +
          `.then((tsx) => { tsx.register(); return import(${JSON.stringify(new URL('./catch-up-worker.ts', import.meta.url).href)}); })`,
        { eval: true, workerData: { config } },
      )
    : new Worker(new URL('./catch-up-worker.js', import.meta.url), { workerData: { config } });
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
