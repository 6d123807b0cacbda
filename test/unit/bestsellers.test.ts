import { describe, expect, it } from 'vitest';
import { compareBestsellers, HOUR_MS, hourBucket, windowStartBucket } from '../../src/domain/bestsellers.js';

describe('bestseller windows', () => {
  const now = Date.UTC(2025, 0, 10, 15, 30);

  it('count in whole UTC hours', () => {
    expect(hourBucket(now)).toBe(Math.floor(now / HOUR_MS));
    expect(hourBucket(Date.UTC(2025, 0, 10, 15, 0))).toBe(hourBucket(Date.UTC(2025, 0, 10, 15, 59, 59, 999)));
    expect(hourBucket(Date.UTC(2025, 0, 10, 16, 0))).toBe(hourBucket(now) + 1);
  });

  it('1d is the current hour and the 23 before it, 7d the current and 167 before', () => {
    expect(windowStartBucket('1d', now)).toBe(hourBucket(now) - 23);
    expect(windowStartBucket('7d', now)).toBe(hourBucket(now) - 167);
    // A sale 23 hours ago is in 1d; one 24 hours ago is not.
    expect(hourBucket(now - 23 * HOUR_MS)).toBeGreaterThanOrEqual(windowStartBucket('1d', now));
    expect(hourBucket(now - 24 * HOUR_MS)).toBeLessThan(windowStartBucket('1d', now));
  });

  it('all starts at the beginning of time', () => {
    expect(windowStartBucket('all', now)).toBe(Number.NEGATIVE_INFINITY);
  });

  it('rank by units, then by book id', () => {
    const ranked = [
      { bookId: 'b', units: 3 },
      { bookId: 'c', units: 5 },
      { bookId: 'a', units: 3 },
    ].sort(compareBestsellers);
    expect(ranked.map((e) => e.bookId)).toEqual(['c', 'a', 'b']);
  });
});
