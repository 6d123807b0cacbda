import { describe, expect, it } from 'vitest';
import type gremlin from 'gremlin';
import { isConflict, withConflictRetry } from '../../src/adapters/gremlin/conflict-retry.js';

/** A connection that fails its first `failures` submissions with `error`, then answers. */
function flaky(failures: number, error: Error) {
  let calls = 0;
  const connection = {
    isOpen: true,
    open: async () => undefined,
    close: async () => undefined,
    submit: async () => {
      calls += 1;
      if (calls <= failures) throw error;
      return { traversers: [] };
    },
  } as unknown as gremlin.RemoteConnection;
  return { connection, calls: () => calls };
}

const conflict = new Error('Server error: Conflict: element modified in another transaction (500)');
const bytecode = {} as Parameters<gremlin.RemoteConnection['submit']>[0];

describe('Gremlin writes that lose a conflict', () => {
  it('are sent again until they pass', async () => {
    const { connection, calls } = flaky(3, conflict);
    const retried: number[] = [];
    await withConflictRetry(connection, { baseDelayMs: 1, onRetry: (attempt) => retried.push(attempt) }).submit(bytecode);
    expect(calls()).toBe(4);
    expect(retried).toEqual([1, 2, 3]);
  });

  it("reach the caller after the last attempt, as do errors that are no conflict", async () => {
    const endless = flaky(100, conflict);
    await expect(withConflictRetry(endless.connection, { attempts: 4, baseDelayMs: 1 }).submit(bytecode)).rejects.toThrow(/Conflict/);
    expect(endless.calls()).toBe(4);
    const broken = flaky(1, new Error('Server error: The vertex does not exist (500)'));
    await expect(withConflictRetry(broken.connection, { baseDelayMs: 1 }).submit(bytecode)).rejects.toThrow(/does not exist/);
    expect(broken.calls()).toBe(1);
  });

  it("knows Neptune's and TinkerTransactionGraph's conflicts", () => {
    expect(isConflict(new Error('{"code":"ConcurrentModificationException","detailedMessage":"Failed to complete operation due to conflicting concurrent operations."}'))).toBe(true);
    expect(isConflict(conflict)).toBe(true);
    expect(isConflict(new Error('Server error: Vertex with id already exists: shop:g1:friendOf:a:b (500)'))).toBe(true);
    expect(isConflict(new Error('ArrayIndexOutOfBoundsException'))).toBe(false);
  });
});
