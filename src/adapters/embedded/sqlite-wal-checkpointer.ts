import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../../runtime/module-worker.js';
import type { CheckpointWorkerData } from './sqlite-checkpoint-worker.js';
import type { SqliteDatabase } from './sqlite-database.js';

/** SQLite's own auto-checkpoint threshold, in WAL frames: the same cadence, moved off the loop. */
const CHECKPOINT_FRAMES = 1000;
const LOOK_EVERY_MS = 250;

export interface WalCheckpointerOptions {
  /** Checkpoint once the WAL holds this many frames. */
  frames?: number;
  /** How often the worker looks at the WAL, ms. */
  intervalMs?: number;
}

/**
 * Moves the WAL checkpoints of a connection off its thread: the connection stops checkpointing in its
 * commits (`wal_autocheckpoint = 0`), and a worker thread with a connection of its own runs PASSIVE
 * checkpoints when the WAL has grown (sqlite-checkpoint-worker.ts). A checkpoint inside a commit copied
 * ~1000 pages and fsynced twice on the event loop (7–11 ms stalls every ~140 price writes on a quiet
 * disk, over 100 ms on a busy one).
 *
 * If the worker fails or exits on its own, the connection gets its auto-checkpoint back, so the WAL
 * never grows without bound. Does not: take the one fsync SQLite makes when a writer starts reusing a
 * checkpointed WAL (the header sync), which stays in that writer's commit.
 */
export class WalCheckpointer {
  private readonly worker: Worker;
  private readonly exited: Promise<void>;
  private stopping = false;
  private failure: string | null = null;
  /** Checkpoints the worker ran: for tests and figures. */
  checkpoints = 0;

  constructor(
    private readonly db: SqliteDatabase,
    file: string,
    options: WalCheckpointerOptions = {},
  ) {
    const data: CheckpointWorkerData = { file, frames: options.frames ?? CHECKPOINT_FRAMES, intervalMs: options.intervalMs ?? LOOK_EVERY_MS };
    db.pragma('wal_autocheckpoint = 0');
    this.worker = startModuleWorker(import.meta.url, 'sqlite-checkpoint-worker', data);
    this.worker.on('message', (message: { checkpointed?: unknown; error?: string }) => {
      if (message.checkpointed) this.checkpoints++;
      if (message.error) this.failure = message.error;
    });
    this.worker.on('error', (error) => {
      this.failure = error.message;
    });
    this.exited = new Promise<void>((resolve) =>
      this.worker.once('exit', () => {
        if (!this.stopping) this.fallBack();
        resolve();
      }),
    );
    // The worker must not keep a CLI process alive; the server's own handles keep it running.
    this.worker.unref();
  }

  /** The last error the worker reported, if any. */
  get lastError(): string | null {
    return this.failure;
  }

  /** Stops the worker (it finishes a checkpoint in hand and closes its connection); settles once it has exited. */
  async stop(): Promise<void> {
    if (this.stopping) return this.exited;
    this.stopping = true;
    this.worker.postMessage('stop');
    await this.exited;
    if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${CHECKPOINT_FRAMES}`);
  }

  private fallBack(): void {
    if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${CHECKPOINT_FRAMES}`);
  }
}
