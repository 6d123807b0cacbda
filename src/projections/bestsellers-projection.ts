import type { Change } from '../domain/change-event.js';
import type { Order } from '../domain/order.js';
import { cancelsSale, soldLines } from '../domain/sales.js';
import type { BestsellerBoard, Sale } from '../ports/bestseller-board.js';
import type { Snapshot } from '../ports/change-feed.js';
import type { Projection } from './projection.js';

const REBUILD_BATCH = 1000;

/** The sale an order is on the board: its lines as counted (none for a cancelled order, see soldLines). */
export function toSale(order: Order): Sale {
  return { orderId: order.id, at: Date.parse(order.createdAt), lines: soldLines(order) };
}

/**
 * The sale an order adds to the board, or null when it adds none (a cancelled order): the one rule
 * about which order lines count (soldLines), shared by this projection and the drift audit.
 */
export function bestsellerSale(order: Order): Sale | null {
  const sale = toSale(order);
  return sale.lines.length > 0 ? sale : null;
}

/** The units a cancelled order had put on the board: its lines as they were before it was cancelled. */
function cancelledSale(order: Order): Sale {
  return { orderId: order.id, at: Date.parse(order.createdAt), lines: soldLines({ ...order, status: 'placed' }) };
}

/**
 * Counts units sold from order events only: an inserted order adds its units, a cancelled one takes
 * them off. The board's per-order dedupe of each makes redelivery harmless.
 */
export class BestsellersProjection implements Projection {
  readonly name = 'bestsellers' as const;
  readonly entities = ['order'] as const;
  readonly sources = ['orders'] as const;

  constructor(private readonly board: BestsellerBoard) {}

  async apply(events: readonly Change[]): Promise<void> {
    for (const e of events) {
      if (e.entity !== 'order' || !e.newImage) continue;
      if (e.op === 'insert') {
        const sale = bestsellerSale(e.newImage);
        if (sale) await this.board.record(sale);
      } else if (cancelsSale(e.oldImage, e.newImage)) await this.board.cancel(cancelledSale(e.newImage));
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
