import type { Book } from '../domain/book.js';
import type { BestsellerWindow } from '../domain/bestsellers.js';
import type { BestsellerBoard } from '../ports/bestseller-board.js';
import type { Catalog } from '../ports/catalog.js';
import { readDerived } from './derived.js';

export interface BestsellerDeps {
  bestsellers: BestsellerBoard;
  catalog: Catalog;
  now(): Date;
}

export const BESTSELLER_LIMITS = { default: 20, max: 100 } as const;

export interface BestsellerItem {
  rank: number;
  units: number;
  book: Book;
}

export function bestsellerUseCases({ bestsellers, catalog, now }: BestsellerDeps) {
  return {
    /** The best-selling books still in the catalog, ranked from 1. */
    async top(query: { window: BestsellerWindow; category?: string | undefined; limit?: number | undefined }): Promise<BestsellerItem[]> {
      const limit = Math.min(query.limit ?? BESTSELLER_LIMITS.default, BESTSELLER_LIMITS.max);
      const entries = await readDerived('bestsellers', () =>
        bestsellers.top({ window: query.window, category: query.category, limit, now: now().getTime() }),
      );
      const books = await catalog.getMany(entries.map((e) => e.bookId));
      const items: BestsellerItem[] = [];
      for (const entry of entries) {
        const book = books.get(entry.bookId);
        if (book) items.push({ rank: items.length + 1, units: entry.units, book });
      }
      return items;
    },
  };
}
