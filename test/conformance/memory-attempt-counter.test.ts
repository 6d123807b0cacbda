import { describe, expect, it } from 'vitest';
import { MemoryAttemptCounter } from '../../src/adapters/embedded/memory-attempt-counter.js';
import { attemptCounterConformance } from './attempt-counter.js';

attemptCounterConformance(async () => {
  const counter = new MemoryAttemptCounter();
  return { counter, close: () => counter.close() };
});

describe('MemoryAttemptCounter', () => {
  it('keeps at most maxKeys windows, dropping the oldest first', async () => {
    const counter = new MemoryAttemptCounter({ maxKeys: 3 });
    for (const key of ['a', 'b', 'c']) await counter.hit(key, 60_000);
    await counter.hit('a', 60_000);
    await counter.hit('d', 60_000);
    // 'a' was opened first and is the one forgotten, though it was hit again since.
    expect((await counter.hit('a', 60_000)).count).toBe(1);
    expect((await counter.hit('c', 60_000)).count).toBe(2);
  });
});
