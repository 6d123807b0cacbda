import type { Change } from '../domain/change-event.js';
import type { Order } from '../domain/order.js';
import type { BestsellerBoard, Sale } from '../ports/bestseller-board.js';
import type { Snapshot } from '../ports/change-feed.js';
import type { Projection } from './projection.js';

const REBUILD_BATCH = 1000;

export function toSale(order: Order): Sale {
  return {
    orderId: order.id,
    at: Date.parse(order.createdAt),
    lines: order.lines.map((l) => ({ bookId: l.bookId, category: l.category, quantity: l.quantity })),
  };
}

/**
 * The sale an order adds to the board, or null when it adds none: the one rule about which order
 * lines count, shared by this projection and the drift audit (a cancelled order would count none).
 */
export function bestsellerSale(order: Order): Sale | null {
  return toSale(order);
}

/** Counts units sold from order events only; the board's per-order dedupe makes redelivery harmless. */
export class BestsellersProjection implements Projection {
  readonly name = 'bestsellers' as const;
  readonly sources = ['orders'] as const;

  constructor(private readonly board: BestsellerBoard) {}

  async apply(events: readonly Change[]): Promise<void> {
    for (const e of events) {
      if (e.entity !== 'order' || e.op !== 'insert' || !e.newImage) continue;
      const sale = bestsellerSale(e.newImage);
      if (sale) await this.board.record(sale);
    }
  }

  async rebuild(snapshot: Snapshot): Promise<void> {
    await this.board.rebuild(async (write) => {
      let batch: Sale[] = [];
      for await (const order of snapshot.orders()) {
        const sale = bestsellerSale(order);
        if (sale) batch.push(sale);
        if (batch.length >= REBUILD_BATCH) {
          await write(batch);
          batch = [];
        }
      }
      if (batch.length > 0) await write(batch);
    });
  }
}
