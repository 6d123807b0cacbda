import type { ProjectionControl, ProjectionStatus } from '../ports/projection-control.js';
import type { ProjectionName } from './projection.js';

/** Progress callbacks of a rebuild: the number of records to read, then one call per record read. */
export interface RebuildObserver {
  onStart?: (total: number) => void;
  onItem?: () => void;
}

/**
 * What the server and the CLI drive of whatever feeds the derived stores: the outbox runner in the
 * embedded profile, the DynamoDB Streams pollers in the engines profile.
 */
export interface ProjectionRunner extends ProjectionControl {
  readonly names: ProjectionName[];
  /** Keeps every projection up to date in the background until stop(). */
  start(): void;
  stop(): Promise<void>;
  /** Applies every change committed so far to every projection; rejects if a projection fails. */
  catchUp(): Promise<void>;
  rebuild(name: ProjectionName, observe?: RebuildObserver): Promise<void>;
  /** Delivers the changes after `position` again (0: from the oldest kept change), to show idempotence. */
  rewind(name: ProjectionName, position: number): Promise<void>;
  status(): Promise<(ProjectionStatus & { name: ProjectionName })[]>;
  /**
   * Looks, read-only, for what waits past each checkpoint, for a process that runs no passes of its own
   * (`bookstore status`); absent where `status` always knows (the outbox's head is one query away).
   */
  probe?(): Promise<void>;
}
