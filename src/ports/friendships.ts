import type { Friendship } from '../domain/friendship.js';

/** Friendships in the system of record, one record per pair. Every write also records a `friendship` change event. */
export interface Friendships {
  get(x: string, y: string): Promise<Friendship | null>;
  /**
   * Stores the pair's new state if the stored version is `expectedVersion` (0: no record yet);
   * otherwise PreconditionFailedError.
   */
  save(friendship: Friendship, expectedVersion: number): Promise<void>;
  /** Deletes the pair's record; false when there was none. */
  remove(x: string, y: string): Promise<boolean>;
  /** Every pending or accepted friendship `userId` is part of. */
  listFor(userId: string): Promise<Friendship[]>;
}
