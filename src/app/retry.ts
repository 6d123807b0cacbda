import { PreconditionFailedError } from '../domain/errors.js';

const ATTEMPTS = 5;

/**
 * Re-runs a read-modify-write when another request changed the record in between (optimistic
 * concurrency); after a few lost races the conflict reaches the caller.
 */
export async function retryOnConflict<T>(attempt: () => Promise<T>): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (e) {
      if (!(e instanceof PreconditionFailedError) || i >= ATTEMPTS) throw e;
    }
  }
}
