import type { BestsellerEntry, BestsellerWindow } from '../domain/bestsellers.js';

export interface Sale {
  orderId: string;
  /** Order time, epoch ms: decides which hourly buckets the units count in. */
  at: number;
  lines: ReadonlyArray<{ bookId: string; category: string; quantity: number }>;
}

export interface BestsellerQuery {
  window: BestsellerWindow;
  category?: string | undefined;
  limit: number;
  /** Epoch ms the rolling windows end at (passed in so tests control time). */
  now: number;
}

/**
 * Units sold per book, all-time and in rolling windows, overall and per category (the category a
 * line had when it was sold). Fed only by order events.
 */
export interface BestsellerBoard {
  /** Counts a sale exactly once: a second call with the same orderId changes nothing and returns false. */
  record(sale: Sale): Promise<boolean>;
  /**
   * Takes a cancelled sale's units off exactly once: a second call with the same orderId changes
   * nothing and returns false. A sale cancelled before it was recorded is then never counted.
   */
  cancel(sale: Sale): Promise<boolean>;
  /** Books by units sold in the window, ties by book id (see compareBestsellers). */
  top(query: BestsellerQuery): Promise<BestsellerEntry[]>;
  /**
   * Every book with units in the window and scope of `query` (no limit), in ranking order: what an
   * audit compares with the orders of the system of record.
   */
  tally(query: Omit<BestsellerQuery, 'limit'>): Promise<BestsellerEntry[]>;
  /**
   * Replaces everything the board counts for `bookId` (every scope, every window) with the units of
   * its lines in `sales`, which must be every sale of the book; lines of other books are ignored. How an
   * audit repairs one book without a rebuild. Not atomic with sales recorded meanwhile: audit again.
   */
  recount(bookId: string, sales: readonly Sale[]): Promise<void>;
  /** Builds a fresh board from `load`, then swaps it in atomically; reads use the old board until then. */
  rebuild(load: (write: (sales: readonly Sale[]) => Promise<void>) => Promise<void>): Promise<void>;
  close(): Promise<void>;
}
