import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AttemptCounter } from '../../src/ports/attempt-counter.js';

interface AttemptCounterUnderTest {
  counter: AttemptCounter;
  close(): Promise<void>;
}

const MINUTE = 60_000;

export function attemptCounterConformance(make: () => Promise<AttemptCounterUnderTest>): void {
  describe('AttemptCounter conformance', () => {
    let store: AttemptCounterUnderTest;
    let counter: AttemptCounter;
    beforeEach(async () => {
      store = await make();
      counter = store.counter;
    });
    afterEach(async () => {
      await store.close();
    });

    it('counts attempts under one key within its window, and says when the window ends', async () => {
      const first = await counter.hit('sign-in:account:a', MINUTE);
      expect(first.count).toBe(1);
      expect(first.resetInMs).toBeGreaterThan(0);
      expect(first.resetInMs).toBeLessThanOrEqual(MINUTE);
      expect((await counter.hit('sign-in:account:a', MINUTE)).count).toBe(2);
      const third = await counter.hit('sign-in:account:a', MINUTE);
      expect(third.count).toBe(3);
      // Later attempts do not extend the window the first one opened.
      expect(third.resetInMs).toBeLessThanOrEqual(first.resetInMs);
    });

    it('keeps each key to itself, whatever characters it holds', async () => {
      await counter.hit('k:one', MINUTE);
      await counter.hit('k:one', MINUTE);
      expect((await counter.hit('k:two', MINUTE)).count).toBe(1);
      expect((await counter.hit('k:{braced}:x', MINUTE)).count).toBe(1);
      expect((await counter.hit('k:{braced}:y', MINUTE)).count).toBe(1);
      expect((await counter.hit('k:one', MINUTE)).count).toBe(3);
    });

    it('loses no attempt when many arrive at once', async () => {
      const counts = await Promise.all(Array.from({ length: 40 }, () => counter.hit('burst', MINUTE)));
      expect(counts.map((c) => c.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    });

    it('starts again from one once the window has ended', async () => {
      await counter.hit('short', 150);
      expect((await counter.hit('short', 150)).count).toBe(2);
      await sleep(400);
      expect((await counter.hit('short', 150)).count).toBe(1);
    });

    it('forgets a key that is reset, and only that key', async () => {
      await counter.hit('reset:me', MINUTE);
      await counter.hit('reset:me', MINUTE);
      await counter.hit('reset:other', MINUTE);
      await counter.reset('reset:me');
      await counter.reset('never:hit');
      expect((await counter.hit('reset:me', MINUTE)).count).toBe(1);
      expect((await counter.hit('reset:other', MINUTE)).count).toBe(2);
    });
  });
}
