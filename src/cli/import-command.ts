import { stat } from 'node:fs/promises';
import type { Config } from '../config.js';
import { openRecordStore } from '../composition.js';
import { importCatalog } from './import/import-catalog.js';
import { printSummary } from './progress.js';
import { catchUpWithProgress, noteDeployedDerivedStores } from './catch-up.js';
import { startBackgroundCatchUp, type BackgroundCatchUp } from './background-catch-up.js';

const SHOWN_ERRORS = 20;
/**
 * Files from this size up are indexed on a second thread while they are written (about 3,000 books);
 * below it, starting the thread costs more than it saves.
 */
const BACKGROUND_FROM_BYTES = 1024 * 1024;

export async function runImport(config: Config, file: string, opts: { format?: string }): Promise<void> {
  if (opts.format !== undefined && opts.format !== 'csv' && opts.format !== 'jsonl') {
    throw new Error(`--format must be csv or jsonl, got "${opts.format}"`);
  }
  const store = await openRecordStore(config, { bulkLoad: true });
  let background: BackgroundCatchUp | undefined;
  try {
    const started = Date.now();
    if (store.store && config.profile === 'embedded' && (await stat(file)).size >= BACKGROUND_FROM_BYTES) {
      background = startBackgroundCatchUp(config);
    }
    const result = await importCatalog(store, file, { format: opts.format, progress: true });
    const importedMs = Date.now() - started;
    for (const e of result.errors.slice(0, SHOWN_ERRORS)) console.error(`line ${e.line}: ${e.reason}`);
    if (result.invalid > SHOWN_ERRORS) console.error(`… and ${result.invalid - SHOWN_ERRORS} more invalid rows`);
    if (store.store) {
      await catchUpWithProgress(store.store, background);
      background = undefined;
    } else noteDeployedDerivedStores(config);
    printSummary({
      created: result.created,
      updated: result.updated,
      unchanged: result.unchanged,
      invalid: result.invalid,
      'import seconds': (importedMs / 1000).toFixed(2),
      [store.store ? 'seconds including indexing' : 'seconds']: ((Date.now() - started) / 1000).toFixed(2),
    });
    if (result.invalid > 0) process.exitCode = 2;
  } finally {
    await background?.stop();
    await store.close();
  }
}
