import { DomainError, UnavailableError } from '../domain/errors.js';

/**
 * Runs a read against a derived store (search index, bestseller board, social graph). Such stores
 * may be engines that are down; their failures become UnavailableError so the API answers 503 and
 * says which component, while domain errors (a bad cursor) pass through unchanged.
 */
export async function readDerived<T>(component: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (e) {
    if (e instanceof DomainError) throw e;
    throw new UnavailableError(component, { cause: e });
  }
}
