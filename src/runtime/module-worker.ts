import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/** tsx's ESM API (its CommonJS build cannot register the ESM loader), found from this package. */
function tsxApi(): string {
  const tsx = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  return pathToFileURL(join(tsx, 'dist/esm/api/index.mjs')).href;
}

/**
 * Starts the module `name` (without extension) next to `caller` (the caller's `import.meta.url`) on a
 * worker thread. Run from source (tsx, vitest) the module is TypeScript too: the worker registers
 * tsx's loader, then imports it; from `dist` it is plain JavaScript.
 */
export function startModuleWorker(caller: string, name: string, workerData: unknown): Worker {
  if (!caller.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, caller), { workerData });
  const source = new URL(`./${name}.ts`, caller).href;
  return new Worker(`import(${JSON.stringify(tsxApi())}).then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}); })`, {
    eval: true,
    workerData,
  });
}
