/**
 * A derived store that can be rebuilt in steps that may run in different processes: `begin` makes an
 * empty copy that every writer of the store (this process or any other) also writes to from then on,
 * `load` fills it (idempotently: a chunk loaded twice changes nothing), `finish` switches it in
 * atomically and drops what it replaced. Until `finish`, readers see the old store untouched.
 */
export interface StagedRebuild<T> {
  /** Makes the copy and answers its name, which the other steps take (and a job record keeps). */
  begin(): Promise<string>;
  load(staged: string, items: readonly T[]): Promise<void>;
  /**
   * Switches the copy in. Idempotent: once switched, calling it again changes nothing. Throws when the
   * copy is no longer the one being staged (another rebuild replaced it).
   */
  finish(staged: string): Promise<void>;
  /** Drops the copy (a rebuild given up); the old store goes on as if nothing happened. */
  abandon(staged: string): Promise<void>;
}
