import { setTimeout as sleep } from 'node:timers/promises';
import type gremlin from 'gremlin';

/**
 * What a Gremlin server answers when a traversal lost a race for an element another transaction
 * changed first (Neptune's ConcurrentModificationException, TinkerTransactionGraph's conflict) or
 * created first (two upserts of one new id: the later one's add finds it taken). The traversal was
 * rolled back whole, so sending it again is safe, and the upsert then finds the element.
 */
const CONFLICT = /ConcurrentModificationException|Conflict: element modified in another transaction|(Vertex|Edge) with id already exists/;

export interface ConflictRetryOptions {
  /** Tries in all, the first included. Default 8. */
  attempts?: number;
  /** The first wait, ms; each later one doubles, up to `maxDelayMs`, with full jitter. Default 25. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Told of each conflict that will be retried. */
  onRetry?: (attempt: number, error: Error) => void;
}

export function isConflict(error: unknown): boolean {
  return error instanceof Error && CONFLICT.test(error.message);
}

/**
 * The connection, sending a traversal again (with backoff) while it loses write conflicts, as Neptune
 * advises for ConcurrentModificationException. Every traversal the graph adapter sends is idempotent
 * (upserts keyed by id, compare-and-sets, drops), so a retried one never applies twice. Conflicts
 * that outlast the attempts reach the caller, whose stream pass then fails and is retried from its
 * checkpoint.
 */
export function withConflictRetry(connection: gremlin.RemoteConnection, options: ConflictRetryOptions = {}): gremlin.RemoteConnection {
  const attempts = options.attempts ?? 8;
  const base = options.baseDelayMs ?? 25;
  const max = options.maxDelayMs ?? 1_000;
  return {
    get isOpen() {
      return connection.isOpen;
    },
    open: () => connection.open(),
    close: () => connection.close(),
    async submit(bytecode) {
      for (let attempt = 1; ; attempt++) {
        try {
          return await connection.submit(bytecode);
        } catch (error) {
          if (!isConflict(error) || attempt >= attempts) throw error;
          options.onRetry?.(attempt, error as Error);
          await sleep(Math.random() * Math.min(max, base * 2 ** (attempt - 1)));
        }
      }
    },
  };
}
