import { open, type FileHandle } from 'node:fs/promises';

/**
 * Makes the system of record's commits durable without holding the event loop through an fsync.
 *
 * In WAL mode a commit is the append of its pages to the `-wal` file; `synchronous = FULL` fsyncs that
 * file inside every COMMIT, on the calling thread, which for the server is the event loop (5-10 ms a
 * write on this project's benchmark machine, more under load, and every request waits it out). The
 * store commits with `synchronous = NORMAL` instead, which writes the same pages but leaves them in the
 * OS cache, and the writer awaits `sync()` before it reports the write: an fdatasync of the `-wal` file
 * on libuv's thread pool. Once it returns, every commit appended before it survives power loss, as
 * under FULL. (Under NORMAL SQLite itself syncs the WAL before each checkpoint copies it into the
 * database and the database after, so no checkpoint can lose what the WAL held:
 * https://www.sqlite.org/pragma.html#pragma_synchronous.)
 *
 * Writes arriving while a sync runs share the next one (group commit): an fdatasync covers whatever
 * was written before it started, never what came after.
 */
export class WalSync {
  private inFlight: Promise<void> | null = null;
  private queued: Promise<void> | null = null;
  /**
   * Kept open between syncs (opening the file costs as much event-loop time as a small write). SQLite
   * deletes the WAL file only when the last connection to the database closes, so while the store's
   * own connection is open this is the file its commits go to.
   */
  private handle: FileHandle | null = null;

  constructor(private readonly walFile: string) {}

  /** Settles once every commit made on this file before the call is on disk; rejects if the sync failed. */
  sync(): Promise<void> {
    if (this.queued) return this.queued;
    if (!this.inFlight) return this.begin();
    // The running sync may have started before the caller's commit: wait for the next one.
    this.queued = this.inFlight
      .catch(() => undefined)
      .then(() => {
        this.queued = null;
        return this.begin();
      });
    return this.queued;
  }

  private begin(): Promise<void> {
    const running = this.fdatasync().finally(() => {
      if (this.inFlight === running) this.inFlight = null;
    });
    this.inFlight = running;
    return running;
  }

  private async fdatasync(): Promise<void> {
    if (!this.handle) {
      try {
        this.handle = await open(this.walFile, 'r');
      } catch (error) {
        // No WAL file yet: nothing was committed through one, or the last connection's checkpoint moved
        // every commit into the database file and synced it.
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw error;
      }
    }
    await this.handle.datasync();
  }

  /** Waits for the syncs in hand, then lets go of the file; call before the store's connection closes. */
  async close(): Promise<void> {
    await Promise.allSettled([this.inFlight, this.queued]);
    const handle = this.handle;
    this.handle = null;
    await handle?.close();
  }
}
