import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';
import { finished } from 'node:stream/promises';
import type { RecordPorts } from '../../composition.js';
import type { BookInput } from '../../domain/book.js';
import { noProgress, startProgress, type Progress } from '../progress.js';
import { catalogFormat, parseCatalog, type CatalogFormat } from './parse-catalog.js';

export interface ImportOptions {
  format?: CatalogFormat | undefined;
  progress?: boolean;
  batchSize?: number;
}

export interface RowError {
  line: number;
  reason: string;
}

export interface ImportResult {
  created: number;
  updated: number;
  unchanged: number;
  /** Rows skipped because they are invalid (all of them, even past the first MAX_REPORTED_ERRORS). */
  invalid: number;
  /** Valid rows skipped because a later row of the file has the same ISBN. */
  superseded: number;
  /** The first MAX_REPORTED_ERRORS invalid rows, in file order. */
  errors: RowError[];
}

export const MAX_REPORTED_ERRORS = 10_000;

/**
 * Books per write transaction. Each commit of the system of record is fsynced, so fewer, larger
 * transactions cost less; a crash loses at most the batch in flight, which a re-import writes again.
 */
const IMPORT_BATCH = 20_000;

/**
 * Imports a catalog file by upserting on ISBN, so importing the same file again changes nothing and
 * writes no change events. The file is checked in full before anything is written: that finds the
 * last valid row of each ISBN (the one that wins, so a file with duplicates still re-imports as a
 * no-op) and lets a file that is unusable as a whole (unknown columns, broken quoting) throw
 * CatalogFileError with the store untouched. Valid rows wait in a temporary file meanwhile (in the
 * data directory on the embedded profile; the engines profile has none, and a laptop importing into a
 * deployed store uses the system's temporary directory), so memory grows with the number of distinct
 * ISBNs only, not the file size.
 */
export async function importCatalog(store: RecordPorts, file: string, options: ImportOptions = {}): Promise<ImportResult> {
  const format = catalogFormat(file, options.format);
  const batchSize = options.batchSize ?? IMPORT_BATCH;
  const { size } = await stat(file);
  const spillDir = await mkdtemp(join(store.config.profile === 'embedded' ? store.config.dataDir : tmpdir(), '.import-'));
  try {
    const spillFile = join(spillDir, 'valid-rows.jsonl');
    const checked = await checkFile(file, format, spillFile, options.progress ? startProgress(`checking ${basename(file)}`, size, { unit: 'bytes' }) : noProgress);
    const { winningLine, ...counts } = checked;
    const result: ImportResult = { created: 0, updated: 0, unchanged: 0, ...counts };

    const progress = options.progress ? startProgress(`importing ${basename(file)}`, winningLine.size) : noProgress;
    let batch: BookInput[] = [];
    const flush = async () => {
      const summary = await store.catalog.upsertByIsbn(batch);
      result.created += summary.created;
      result.updated += summary.updated;
      result.unchanged += summary.unchanged;
      progress.increment(batch.length);
      batch = [];
    };
    try {
      for await (const text of createInterface({ input: createReadStream(spillFile), crlfDelay: Infinity })) {
        const [line, book] = JSON.parse(text) as [number, BookInput];
        if (winningLine.get(book.isbn) !== line) continue;
        batch.push(book);
        if (batch.length >= batchSize) await flush();
      }
      if (batch.length > 0) await flush();
    } finally {
      progress.stop();
    }
    return result;
  } finally {
    await rm(spillDir, { recursive: true, force: true });
  }
}

interface CheckedFile {
  /** ISBN → line of its last valid row. */
  winningLine: Map<string, number>;
  invalid: number;
  superseded: number;
  errors: RowError[];
}

/** Validates every row, writing the valid ones (with their line) to `spillFile`. */
async function checkFile(file: string, format: CatalogFormat, spillFile: string, progress: Progress): Promise<CheckedFile> {
  const checked: CheckedFile = { winningLine: new Map(), invalid: 0, superseded: 0, errors: [] };
  const input = createReadStream(file);
  const spill = createWriteStream(spillFile);
  // A write error surfaces through `finished` below; this keeps it from being an unhandled event meanwhile.
  spill.on('error', () => {});
  try {
    for await (const row of parseCatalog(input, format, (n) => progress.increment(n))) {
      if ('book' in row) {
        if (checked.winningLine.has(row.book.isbn)) checked.superseded++;
        checked.winningLine.set(row.book.isbn, row.line);
        if (!spill.write(`${JSON.stringify([row.line, row.book])}\n`)) await once(spill, 'drain');
      } else {
        checked.invalid++;
        if (checked.errors.length < MAX_REPORTED_ERRORS) checked.errors.push({ line: row.line, reason: row.error });
      }
    }
    spill.end();
    await finished(spill);
  } finally {
    input.destroy();
    spill.destroy();
    progress.stop();
  }
  return checked;
}
