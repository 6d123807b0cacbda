import { describe, expect, it } from 'vitest';
import { compareBestsellers, HOUR_MS, hourBucket, WINDOW_HOURS } from '../../src/domain/bestsellers.js';
import type { BestsellerBoard, BestsellerQuery, Sale } from '../../src/ports/bestseller-board.js';

type MakeBoard = () => Promise<{ board: BestsellerBoard; close(): Promise<void> }>;

/**
 * Times are anchored to the wall clock, not a fixed date: engine adapters may expire hour buckets
 * by real time (Redis TTLs), and every query passes its `now` explicitly.
 */
const NOW = Date.now();
const CURRENT_HOUR_START = hourBucket(NOW) * HOUR_MS;

let orderSeq = 0;
function sale(at: number, lines: Array<[bookId: string, quantity: number, category?: string]>): Sale {
  orderSeq += 1;
  return {
    orderId: `order-${String(orderSeq).padStart(6, '0')}`,
    at,
    lines: lines.map(([bookId, quantity, category = 'fiction']) => ({ bookId, quantity, category })),
  };
}

function query(overrides: Partial<BestsellerQuery> = {}): BestsellerQuery {
  return { window: 'all', limit: 10, now: NOW, ...overrides };
}

export function bestsellerBoardConformance(make: MakeBoard): void {
  async function withBoard(test: (board: BestsellerBoard) => Promise<void>): Promise<void> {
    const { board, close } = await make();
    try {
      await test(board);
    } finally {
      await close();
    }
  }

  describe('BestsellerBoard conformance', () => {
    it('answers an empty list before any sale', () =>
      withBoard(async (board) => {
        for (const window of ['all', '7d', '1d'] as const) {
          expect(await board.top(query({ window }))).toEqual([]);
        }
      }));

    it('counts units, summing every line and sale of a book, ranked by units', () =>
      withBoard(async (board) => {
        expect(await board.record(sale(NOW, [['book-a', 2], ['book-b', 1]]))).toBe(true);
        expect(await board.record(sale(NOW, [['book-b', 5], ['book-c', 1]]))).toBe(true);
        expect(await board.record(sale(NOW, [['book-c', 1], ['book-c', 2]]))).toBe(true);

        expect(await board.top(query())).toEqual([
          { bookId: 'book-b', units: 6 },
          { bookId: 'book-c', units: 4 },
          { bookId: 'book-a', units: 2 },
        ]);
      }));

    it('counts an order once: recording its id again returns false and changes nothing', () =>
      withBoard(async (board) => {
        const first = sale(NOW, [['book-a', 3]]);
        expect(await board.record(first)).toBe(true);
        expect(await board.record(first)).toBe(false);
        // A redelivery is recognized by order id alone, even if the payload differs.
        expect(await board.record({ ...first, lines: [{ bookId: 'book-z', category: 'fiction', quantity: 9 }] })).toBe(false);

        for (const window of ['all', '7d', '1d'] as const) {
          expect(await board.top(query({ window }))).toEqual([{ bookId: 'book-a', units: 3 }]);
        }
      }));

    it('takes a cancelled sale off every window and category exactly once', () =>
      withBoard(async (board) => {
        const kept = sale(NOW, [['book-a', 2, 'poetry']]);
        const cancelled = sale(NOW - 2 * HOUR_MS, [['book-a', 1, 'poetry'], ['book-b', 3, 'poetry']]);
        await board.record(kept);
        await board.record(cancelled);
        expect(await board.cancel(cancelled)).toBe(true);
        expect(await board.cancel(cancelled)).toBe(false);
        expect(await board.record(cancelled)).toBe(false);
        for (const window of ['all', '7d', '1d'] as const) {
          expect(await board.top(query({ window }))).toEqual([{ bookId: 'book-a', units: 2 }]);
          expect(await board.top(query({ window, category: 'poetry' }))).toEqual([{ bookId: 'book-a', units: 2 }]);
          // A window ending later than the newest sale still has the cancellation taken off.
          expect(await board.top(query({ window, now: NOW + HOUR_MS }))).toEqual([{ bookId: 'book-a', units: 2 }]);
        }
      }));

    it('never counts a sale cancelled before it was recorded', () =>
      withBoard(async (board) => {
        const early = sale(NOW, [['book-a', 2]]);
        expect(await board.cancel(early)).toBe(true);
        expect(await board.record(early)).toBe(false);
        expect(await board.top(query())).toEqual([]);
      }));

    it('counts an order once when the same id is recorded concurrently', () =>
      withBoard(async (board) => {
        const once = sale(NOW, [['book-a', 4]]);
        const results = await Promise.all([board.record(once), board.record(once), board.record(once)]);

        expect(results.filter((r) => r)).toHaveLength(1);
        expect(await board.top(query())).toEqual([{ bookId: 'book-a', units: 4 }]);
      }));

    it('counts a sale in the windows its time falls in', () =>
      withBoard(async (board) => {
        await board.record(sale(NOW - 2 * HOUR_MS, [['two-hours-ago', 3]]));
        await board.record(sale(NOW - 30 * HOUR_MS, [['thirty-hours-ago', 2]]));
        await board.record(sale(NOW - 8 * 24 * HOUR_MS, [['eight-days-ago', 1]]));

        expect(await board.top(query({ window: '1d' }))).toEqual([{ bookId: 'two-hours-ago', units: 3 }]);
        expect(await board.top(query({ window: '7d' }))).toEqual([
          { bookId: 'two-hours-ago', units: 3 },
          { bookId: 'thirty-hours-ago', units: 2 },
        ]);
        expect(await board.top(query({ window: 'all' }))).toEqual([
          { bookId: 'two-hours-ago', units: 3 },
          { bookId: 'thirty-hours-ago', units: 2 },
          { bookId: 'eight-days-ago', units: 1 },
        ]);
      }));

    it('sums a book over the hours of a window', () =>
      withBoard(async (board) => {
        await board.record(sale(NOW, [['book-a', 1]]));
        await board.record(sale(NOW - 5 * HOUR_MS, [['book-a', 2]]));
        await board.record(sale(NOW - 3 * 24 * HOUR_MS, [['book-a', 4]]));
        await board.record(sale(NOW - 10 * 24 * HOUR_MS, [['book-a', 8]]));

        expect(await board.top(query({ window: '1d' }))).toEqual([{ bookId: 'book-a', units: 3 }]);
        expect(await board.top(query({ window: '7d' }))).toEqual([{ bookId: 'book-a', units: 7 }]);
        expect(await board.top(query({ window: 'all' }))).toEqual([{ bookId: 'book-a', units: 15 }]);
      }));

    it('counts whole UTC hours: the 23rd hour before the current one is in 1d, the 24th is not', () =>
      withBoard(async (board) => {
        await board.record(sale(CURRENT_HOUR_START - 23 * HOUR_MS, [['hour-minus-23', 1]]));
        await board.record(sale(CURRENT_HOUR_START - 23 * HOUR_MS - 1, [['hour-minus-24', 1]]));

        expect(await board.top(query({ window: '1d' }))).toEqual([{ bookId: 'hour-minus-23', units: 1 }]);
        expect(await board.top(query({ window: '7d' }))).toEqual([
          { bookId: 'hour-minus-23', units: 1 },
          { bookId: 'hour-minus-24', units: 1 },
        ]);
      }));

    it('counts whole UTC hours: the 167th hour before the current one is in 7d, the 168th is not', () =>
      withBoard(async (board) => {
        await board.record(sale(CURRENT_HOUR_START - 167 * HOUR_MS, [['hour-minus-167', 1]]));
        await board.record(sale(CURRENT_HOUR_START - 167 * HOUR_MS - 1, [['hour-minus-168', 1]]));

        expect(await board.top(query({ window: '7d' }))).toEqual([{ bookId: 'hour-minus-167', units: 1 }]);
        expect(await board.top(query({ window: 'all' }))).toEqual([
          { bookId: 'hour-minus-167', units: 1 },
          { bookId: 'hour-minus-168', units: 1 },
        ]);
      }));

    it('ends rolling windows at the hour of the query’s now', () =>
      withBoard(async (board) => {
        await board.record(sale(NOW - 2 * HOUR_MS, [['earlier', 1]]));
        await board.record(sale(NOW, [['current', 1]]));

        const twoHoursAgo = NOW - 2 * HOUR_MS;
        expect(await board.top(query({ window: '1d', now: twoHoursAgo }))).toEqual([{ bookId: 'earlier', units: 1 }]);
        expect(await board.top(query({ window: '1d' }))).toEqual([
          { bookId: 'current', units: 1 },
          { bookId: 'earlier', units: 1 },
        ]);
      }));

    it('slides windows as sales arrive, in any order, for windows ending now, earlier or later', async () => {
      // Sales at hours around the current one (the last stamped two hours ahead of the clock), placed
      // on and beside the hours where windows ending at the times below start and end.
      const sold: Array<[hoursAgo: number, bookId: string, units: number]> = [
        [200, 'a', 1], [170, 'b', 2], [165, 'c', 3], [160, 'd', 4], [150, 'a', 5], [108, 'e', 6], [100, 'f', 7],
        [90, 'b', 8], [30, 'g', 9], [25, 'h', 10], [24, 'i', 11], [23, 'j', 12], [21, 'k', 13], [20, 'c', 14],
        [12, 'l', 15], [2, 'd', 16], [1, 'm', 17], [0, 'k', 18], [-2, 'n', 19],
      ];
      const sales = sold.map(([hoursAgo, bookId, units]) => sale(CURRENT_HOUR_START - hoursAgo * HOUR_MS + 60_000, [[bookId, units]]));
      const expected = (window: '1d' | '7d', now: number) => {
        const units = new Map<string, number>();
        for (const s of sales) {
          const age = hourBucket(now) - hourBucket(s.at);
          const line = s.lines[0]!;
          if (age >= 0 && age < WINDOW_HOURS[window]) units.set(line.bookId, (units.get(line.bookId) ?? 0) + line.quantity);
        }
        return [...units].map(([bookId, n]) => ({ bookId, units: n })).sort(compareBestsellers);
      };

      for (const order of [sales, [...sales].reverse()]) {
        await withBoard(async (board) => {
          for (const s of order) await board.record(s);
          for (const hoursAhead of [0, 1, 2, 5, 8, 10, 12, 14, 23, 30, 44, 60, 84, 100, 150, 170]) {
            const now = NOW + hoursAhead * HOUR_MS;
            for (const window of ['1d', '7d'] as const) {
              for (const limit of [3, 50]) {
                expect(await board.top(query({ window, now, limit })), `${window} ending in ${hoursAhead}h`).toEqual(expected(window, now).slice(0, limit));
              }
            }
          }
          // Windows ending in the past: only the day window, since stores may drop hours older than a week.
          for (const hoursAgo of [1, 10]) {
            const now = NOW - hoursAgo * HOUR_MS;
            expect(await board.top(query({ window: '1d', now, limit: 50 })), `1d ending ${hoursAgo}h ago`).toEqual(expected('1d', now));
          }
        });
      }
    });

    it('drops a book from a window once all its sales have slid out', () =>
      withBoard(async (board) => {
        await board.record(sale(NOW - 25 * HOUR_MS, [['leaves-the-day', 5]]));
        await board.record(sale(NOW - 2 * HOUR_MS, [['stays', 1]]));
        await board.record(sale(NOW, [['stays', 1]]));

        expect(await board.top(query({ window: '1d' }))).toEqual([{ bookId: 'stays', units: 2 }]);
        expect(await board.top(query({ window: '7d' }))).toEqual([
          { bookId: 'leaves-the-day', units: 5 },
          { bookId: 'stays', units: 2 },
        ]);
      }));

    it('keeps today’s windows when a sale is stamped days ahead of the clock', () =>
      withBoard(async (board) => {
        await board.record(sale(NOW - 3 * HOUR_MS, [['today', 1]]));
        await board.record(sale(NOW + 10 * 24 * HOUR_MS, [['stamped-ahead', 2]]));

        expect(await board.top(query({ window: '1d' }))).toEqual([{ bookId: 'today', units: 1 }]);
        expect(await board.top(query({ window: '7d' }))).toEqual([{ bookId: 'today', units: 1 }]);
        expect(await board.top(query({ window: '1d', now: NOW + 10 * 24 * HOUR_MS }))).toEqual([{ bookId: 'stamped-ahead', units: 2 }]);
      }));

    it('ranks per category by the category each line was sold in', () =>
      withBoard(async (board) => {
        await board.record(sale(NOW, [['dune', 2, 'scifi'], ['sapiens', 5, 'history']]));
        await board.record(sale(NOW - 30 * HOUR_MS, [['foundation', 3, 'scifi']]));
        // The same book sold after its category changed counts under each category it was sold in.
        await board.record(sale(NOW, [['dune', 4, 'classics']]));

        expect(await board.top(query({ category: 'scifi' }))).toEqual([
          { bookId: 'foundation', units: 3 },
          { bookId: 'dune', units: 2 },
        ]);
        expect(await board.top(query({ category: 'scifi', window: '1d' }))).toEqual([{ bookId: 'dune', units: 2 }]);
        expect(await board.top(query({ category: 'classics', window: '7d' }))).toEqual([{ bookId: 'dune', units: 4 }]);
        expect(await board.top(query({ category: 'history' }))).toEqual([{ bookId: 'sapiens', units: 5 }]);
        expect(await board.top(query({ category: 'poetry' }))).toEqual([]);
        expect(await board.top(query())).toEqual([
          { bookId: 'dune', units: 6 },
          { bookId: 'sapiens', units: 5 },
          { bookId: 'foundation', units: 3 },
        ]);
      }));

    it('breaks ties by ascending book id in every window', () =>
      withBoard(async (board) => {
        await board.record(sale(NOW, [['book-c', 2], ['book-a', 2], ['book-d', 1], ['book-b', 2]]));

        const expected = [
          { bookId: 'book-a', units: 2 },
          { bookId: 'book-b', units: 2 },
          { bookId: 'book-c', units: 2 },
          { bookId: 'book-d', units: 1 },
        ];
        for (const window of ['all', '7d', '1d'] as const) {
          expect(await board.top(query({ window }))).toEqual(expected);
        }
      }));

    it('returns at most `limit` entries, the best ones', () =>
      withBoard(async (board) => {
        await board.record(sale(NOW, [['book-a', 1], ['book-b', 4], ['book-c', 3], ['book-d', 2]]));

        for (const window of ['all', '7d', '1d'] as const) {
          expect(await board.top(query({ window, limit: 2 }))).toEqual([
            { bookId: 'book-b', units: 4 },
            { bookId: 'book-c', units: 3 },
          ]);
        }
      }));

    it('rebuild replaces the whole board with what load writes', () =>
      withBoard(async (board) => {
        const old = sale(NOW, [['old-book', 9, 'scifi']]);
        await board.record(old);

        const kept = sale(NOW - 2 * HOUR_MS, [['new-book', 2, 'history']]);
        await board.rebuild(async (write) => {
          await write([kept, sale(NOW - 30 * HOUR_MS, [['other-book', 1, 'history']])]);
          await write([sale(NOW - 8 * 24 * HOUR_MS, [['other-book', 5, 'history']])]);
        });

        expect(await board.top(query())).toEqual([
          { bookId: 'other-book', units: 6 },
          { bookId: 'new-book', units: 2 },
        ]);
        expect(await board.top(query({ window: '1d' }))).toEqual([{ bookId: 'new-book', units: 2 }]);
        expect(await board.top(query({ window: '7d', category: 'history' }))).toEqual([
          { bookId: 'new-book', units: 2 },
          { bookId: 'other-book', units: 1 },
        ]);
        expect(await board.top(query({ category: 'scifi' }))).toEqual([]);
        // The rebuilt board knows which orders it counted.
        expect(await board.record(kept)).toBe(false);
        expect(await board.record(sale(NOW, [['new-book', 1, 'history']]))).toBe(true);
        expect(await board.top(query({ window: '1d' }))).toEqual([{ bookId: 'new-book', units: 3 }]);
      }));

    it('keeps answering from the old board while a rebuild loads', () =>
      withBoard(async (board) => {
        await board.record(sale(NOW, [['old-book', 1]]));

        const duringLoad: unknown[] = [];
        await board.rebuild(async (write) => {
          await write([sale(NOW, [['new-book', 7]])]);
          duringLoad.push(await board.top(query()), await board.top(query({ window: '1d' })));
        });

        expect(duringLoad).toEqual([[{ bookId: 'old-book', units: 1 }], [{ bookId: 'old-book', units: 1 }]]);
        expect(await board.top(query())).toEqual([{ bookId: 'new-book', units: 7 }]);
      }));

    it('keeps the old board when the load fails, and can rebuild afterwards', () =>
      withBoard(async (board) => {
        await board.record(sale(NOW, [['old-book', 1]]));

        await expect(
          board.rebuild(async (write) => {
            await write([sale(NOW, [['new-book', 7]])]);
            throw new Error('snapshot lost');
          }),
        ).rejects.toThrow('snapshot lost');
        expect(await board.top(query())).toEqual([{ bookId: 'old-book', units: 1 }]);

        await board.rebuild(async (write) => write([sale(NOW, [['new-book', 7]])]));
        expect(await board.top(query())).toEqual([{ bookId: 'new-book', units: 7 }]);
      }));

    it('rebuilds to an empty board when load writes nothing', () =>
      withBoard(async (board) => {
        await board.record(sale(NOW, [['old-book', 1]]));
        await board.rebuild(async () => {});
        for (const window of ['all', '7d', '1d'] as const) {
          expect(await board.top(query({ window }))).toEqual([]);
        }
      }));

    it('tallies every book of a window and scope, with no limit', () =>
      withBoard(async (board) => {
        const lines = Array.from({ length: 30 }, (_, i): [string, number, string] => [`book-${String(i).padStart(2, '0')}`, (i % 4) + 1, i % 2 ? 'odd' : 'even']);
        await board.record(sale(NOW, lines));
        await board.record(sale(NOW - 3 * 24 * HOUR_MS, [['book-00', 10, 'even']]));
        const all = await board.tally({ window: 'all', now: NOW });
        expect(all).toHaveLength(30);
        expect(all[0]).toEqual({ bookId: 'book-00', units: 11 });
        expect([...all].sort(compareBestsellers)).toEqual(all);
        expect((await board.tally({ window: '1d', now: NOW })).find((e) => e.bookId === 'book-00')).toEqual({ bookId: 'book-00', units: 1 });
        expect(await board.tally({ window: '7d', category: 'odd', now: NOW })).toHaveLength(15);
      }));

    it('recounts one book from its sales in every window and scope, leaving the others alone', () =>
      withBoard(async (board) => {
        const old = sale(NOW - 3 * 24 * HOUR_MS, [['fixed', 2, 'fiction'], ['other', 1, 'fiction']]);
        const recent = sale(NOW, [['fixed', 4, 'history']]);
        await board.record(old);
        await board.record(recent);
        await board.record(sale(NOW, [['fixed', 9, 'fiction']]));
        await board.recount('fixed', [old, recent]);

        expect(await board.top(query({ window: 'all' }))).toEqual([{ bookId: 'fixed', units: 6 }, { bookId: 'other', units: 1 }]);
        expect(await board.top(query({ window: '7d', category: 'fiction' }))).toEqual([{ bookId: 'fixed', units: 2 }, { bookId: 'other', units: 1 }]);
        expect(await board.top(query({ window: '1d' }))).toEqual([{ bookId: 'fixed', units: 4 }]);
        expect(await board.top(query({ window: '1d', category: 'fiction' }))).toEqual([]);
        expect(await board.top(query({ window: 'all', category: 'history' }))).toEqual([{ bookId: 'fixed', units: 4 }]);

        await board.recount('fixed', []);
        expect(await board.tally({ window: 'all', now: NOW })).toEqual([{ bookId: 'other', units: 1 }]);
        // Order ids stay claimed: a redelivered sale of the recounted book still counts once.
        expect(await board.record(recent)).toBe(false);
      }));
  });
}
