import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteBestsellerBoard } from '../../src/adapters/embedded/sqlite-bestseller-board.js';
import { SqliteSocialGraph } from '../../src/adapters/embedded/sqlite-social-graph.js';
import { bestsellerBoardConformance } from './bestseller-board.js';
import { socialGraphConformance } from './social-graph.js';

const dir = mkdtempSync(join(tmpdir(), 'bookstore-derived-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
const freshFile = (name: string) => join(dir, `${name}-${++files}.db`);

bestsellerBoardConformance(async () => {
  const board = SqliteBestsellerBoard.open(freshFile('bestsellers'));
  return { board, close: () => board.close() };
});

socialGraphConformance(async () => {
  const graph = SqliteSocialGraph.open(freshFile('graph'));
  return { graph, close: () => graph.close() };
});

/** What the ports cannot express: several processes share each file (the server and the CLI). */
describe('embedded derived stores shared by two handles on one file', () => {
  const now = Date.now();

  it('counts an order recorded through both handles once', async () => {
    const file = freshFile('bestsellers');
    const [one, two] = [SqliteBestsellerBoard.open(file), SqliteBestsellerBoard.open(file)];
    try {
      const sale = { orderId: 'order-1', at: now, lines: [{ bookId: 'book-a', category: 'fiction', quantity: 2 }] };
      expect([await one.record(sale), await two.record(sale)]).toEqual([true, false]);
      expect(await two.top({ window: '1d', limit: 10, now })).toEqual([{ bookId: 'book-a', units: 2 }]);
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });

  it('a board rebuilt through one handle is what the other reads and writes', async () => {
    const file = freshFile('bestsellers');
    const [rebuilder, reader] = [SqliteBestsellerBoard.open(file), SqliteBestsellerBoard.open(file)];
    try {
      await reader.record({ orderId: 'old', at: now, lines: [{ bookId: 'old-book', category: 'fiction', quantity: 1 }] });
      await rebuilder.rebuild((write) => write([{ orderId: 'new', at: now, lines: [{ bookId: 'new-book', category: 'fiction', quantity: 3 }] }]));

      expect(await reader.top({ window: 'all', limit: 10, now })).toEqual([{ bookId: 'new-book', units: 3 }]);
      expect(await reader.record({ orderId: 'new', at: now, lines: [] })).toBe(false);
      expect(await reader.record({ orderId: 'after', at: now, lines: [{ bookId: 'new-book', category: 'fiction', quantity: 1 }] })).toBe(true);
      expect(await rebuilder.top({ window: '1d', limit: 10, now })).toEqual([{ bookId: 'new-book', units: 4 }]);
    } finally {
      await Promise.all([rebuilder.close(), reader.close()]);
    }
  });

  it('a graph rebuilt through one handle is what the other reads and writes', async () => {
    const file = freshFile('graph');
    const [rebuilder, reader] = [SqliteSocialGraph.open(file), SqliteSocialGraph.open(file)];
    try {
      await reader.apply([{ kind: 'purchase', userId: 'user-a', bookIds: ['book-old', 'book-x'] }]);
      await rebuilder.rebuild((write) => write([{ kind: 'purchase', userId: 'user-a', bookIds: ['book-new', 'book-x'] }]));

      expect(await reader.alsoBought('book-x', 10)).toEqual([{ bookId: 'book-new', count: 1 }]);
      await reader.apply([{ kind: 'purchase', userId: 'user-b', bookIds: ['book-new', 'book-x'] }]);
      expect(await rebuilder.alsoBought('book-x', 10)).toEqual([{ bookId: 'book-new', count: 2 }]);
    } finally {
      await Promise.all([rebuilder.close(), reader.close()]);
    }
  });
});
