import { describe, expect, it } from 'vitest';
import { ID_PATTERN, newId } from '../../src/domain/ids.js';

describe('newId', () => {
  it('makes 26-character lower-case base32 ids', () => {
    const id = newId();
    expect(id).toMatch(ID_PATTERN);
    expect(id).not.toMatch(/[ilou]/);
  });

  it('sorts by time as text, whatever the random part', () => {
    const times = [0, 1, 31, 32, 1_000, Date.UTC(2020, 0, 1), Date.UTC(2025, 5, 1), Date.UTC(2025, 5, 1) + 1, 2 ** 48 - 1];
    const ids = times.map((t, i) => newId(t, new Uint8Array(10).fill(i % 2 === 0 ? 255 : 0)));
    expect([...ids].sort()).toEqual(ids);
  });

  it('is a pure function of time and random bytes', () => {
    const bytes = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(newId(1_700_000_000_000, bytes)).toBe(newId(1_700_000_000_000, bytes));
    expect(newId(1_700_000_000_000, bytes)).not.toBe(newId(1_700_000_000_000, bytes.map((b) => b + 1)));
    expect(newId(0, new Uint8Array(10))).toBe('0'.repeat(26));
  });

  it('does not collide in practice', () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => newId(1_700_000_000_000)));
    expect(ids.size).toBe(10_000);
  });
});
