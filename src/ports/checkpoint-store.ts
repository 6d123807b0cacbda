/**
 * Where a projection is in the change feed. `generation` changes when a rebuild resets the position,
 * so a consumer that read the old position cannot overwrite the new one.
 */
export interface Checkpoint {
  position: number;
  generation: number;
  lastError: string | null;
  updatedAt: number;
}

export interface CheckpointStore {
  /** The stored checkpoint, or position 0, generation 0. */
  get(name: string): Promise<Checkpoint>;
  /** Moves to `position` only if the generation is still `generation`; false when a rebuild intervened. */
  advance(name: string, generation: number, position: number): Promise<boolean>;
  /** Starts a new generation at `position` (after a rebuild); returns the new checkpoint. */
  reset(name: string, position: number): Promise<Checkpoint>;
  /** Records (or clears, with null) the last error of a projection, keeping its position. */
  recordError(name: string, error: string | null): Promise<void>;
}
