import type { Change, EntityName } from '../domain/change-event.js';
import type { Book } from '../domain/book.js';
import type { Snapshot, SnapshotSource } from '../ports/change-feed.js';
import type { StagedRebuild } from '../ports/staged-rebuild.js';

/** Every projection a profile may run; the embedded profile has no book cache. */
export const PROJECTION_NAMES = ['search', 'bestsellers', 'graph', 'book-cache'] as const;
export type ProjectionName = (typeof PROJECTION_NAMES)[number];

/**
 * A change-feed consumer that maintains one derived store. Delivery is at least once, so `apply`
 * must be idempotent: applying a batch twice, or a prefix of it again, leaves the store as applying
 * it once. Events of one key arrive in order; events of different keys may not.
 */
export interface Projection {
  readonly name: ProjectionName;
  /**
   * The entities whose events can change this store. A runner may move past a batch of other events
   * without calling `apply` (and without a write of its own for them). Absent: every event may matter.
   */
  readonly entities?: readonly EntityName[];
  /** What a rebuild reads from the snapshot (for progress). */
  readonly sources: readonly SnapshotSource[];
  /** Applies a batch of events (events of entities the projection ignores are skipped). */
  apply(events: readonly Change[]): Promise<void>;
  /** Rebuilds the derived store from a snapshot of the system of record, swapping it in atomically. */
  rebuild(snapshot: Snapshot): Promise<void>;
  /**
   * The same rebuild from the books in steps that may run in different processes (chunked-rebuild.ts),
   * where the derived store offers one; absent, a chunked rebuild runs `rebuild` in one step.
   */
  readonly staged?: StagedRebuild<Book>;
}
