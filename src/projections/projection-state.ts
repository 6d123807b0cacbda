import type { ProjectionState, ProjectionStatus } from '../ports/projection-control.js';

/**
 * The status as an operator must be able to read it, whoever produced it: a projection whose last
 * attempt failed is `failing` and never shows a lag of 0, since the change it failed on is still
 * unapplied (a runner that has not read the stream itself, such as `bookstore status` in a fresh
 * process, may know of the failure only from the checkpoint's `lastError`). Then `rebuilding`,
 * `unknown` (the lag cannot be seen from here), `behind`, and only with none of those `caught-up`.
 */
export function withState<T extends ProjectionStatus>(status: T): T & { state: ProjectionState } {
  if (status.lastError !== null) {
    return {
      ...status,
      state: 'failing',
      lagEvents: Math.max(1, status.lagEvents),
      headPosition: Math.max(status.headPosition, status.position + 1),
    };
  }
  if (status.rebuilding) return { ...status, state: 'rebuilding' };
  if (status.lagUnknown !== undefined) return { ...status, state: 'unknown' };
  if (status.lagEvents > 0) return { ...status, state: 'behind' };
  return { ...status, state: 'caught-up' };
}
