/** Rolling windows are counted in whole UTC hours: `1d` is the current hour and the 23 before it. */
export type BestsellerWindow = 'all' | '7d' | '1d';

export const WINDOW_HOURS: Record<Exclude<BestsellerWindow, 'all'>, number> = { '1d': 24, '7d': 168 };

export const HOUR_MS = 3_600_000;

export function hourBucket(epochMs: number): number {
  return Math.floor(epochMs / HOUR_MS);
}

/** The first hour bucket inside `window` at time `now`; `all` starts at the beginning of time. */
export function windowStartBucket(window: BestsellerWindow, now: number): number {
  return window === 'all' ? Number.NEGATIVE_INFINITY : hourBucket(now) - WINDOW_HOURS[window] + 1;
}

export interface BestsellerEntry {
  bookId: string;
  units: number;
}

/** Ranking is by units sold, then by book id, so every adapter orders ties the same way. */
export function compareBestsellers(a: BestsellerEntry, b: BestsellerEntry): number {
  return b.units - a.units || (a.bookId < b.bookId ? -1 : a.bookId > b.bookId ? 1 : 0);
}
