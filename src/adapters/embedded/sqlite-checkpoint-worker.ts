import { closeSync, openSync, readSync } from 'node:fs';
import { endianness } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { openSqlite } from './sqlite-database.js';

/** What the checkpointer hands its worker. */
export interface CheckpointWorkerData {
  /** The database file; its WAL is `${file}-wal`, its wal-index `${file}-shm`. */
  file: string;
  /** Checkpoint once the WAL holds this many frames (SQLite's own auto-checkpoint default is 1000). */
  frames: number;
  /** How often to look, ms. */
  intervalMs: number;
}

/**
 * Runs on a worker thread beside the server (sqlite-wal-checkpointer.ts): its own connection copies the
 * WAL into the database with PASSIVE checkpoints (never blocking a writer or a reader; SQLite syncs the
 * WAL before and the database after each, whatever the connection's `synchronous`), so no commit on
 * the server's event loop runs one.
 *
 * How full the WAL is comes from the wal-index header, `mxFrame` at byte 16 of the `-shm` file in the
 * host's byte order (https://www.sqlite.org/walformat.html#the_wal_index_file_format): reading it
 * costs one small read and no lock, and a stale value only delays a checkpoint by one interval.
 */
const { file, frames, intervalMs } = workerData as CheckpointWorkerData;
const db = openSqlite(file, { durability: 'full' });
const header = Buffer.alloc(20);

function walFrames(): number {
  let fd: number;
  try {
    fd = openSync(`${file}-shm`, 'r');
  } catch {
    return 0; // No wal-index yet: nothing written since the last connection closed.
  }
  try {
    return readSync(fd, header, 0, 20, 0) === 20 ? (endianness() === 'LE' ? header.readUInt32LE(16) : header.readUInt32BE(16)) : 0;
  } finally {
    closeSync(fd);
  }
}

function tick(): void {
  try {
    if (walFrames() < frames) return;
    const [result] = db.pragma('wal_checkpoint(PASSIVE)') as Array<{ busy: number; log: number; checkpointed: number }>;
    parentPort!.postMessage({ checkpointed: result });
  } catch (error) {
    parentPort!.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
}

const timer = setInterval(tick, intervalMs);
parentPort!.on('message', (message: unknown) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort!.close();
});
parentPort!.postMessage({ ready: true });
