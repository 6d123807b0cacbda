import { cartChanged, pricesChanged, type Order } from '../../domain/order.js';
import type { Orders, PlaceOptions, PlaceResult } from '../../ports/orders.js';
import type { Page, PageRequest } from '../../ports/page.js';
import { CartRows } from './sqlite-carts.js';
import type { SqliteDatabase, SqliteStatement } from './sqlite-database.js';
import type { Outbox } from './sqlite-outbox.js';
import { decodeCursor, encodeCursor } from '../page-cursor.js';

interface OrderRow {
  id: string;
  doc: string;
}

export function orderFromDoc(doc: string): Order {
  return JSON.parse(doc) as Order;
}

/** The largest id: ids are 26 characters of [0-9a-z], so this sorts after all of them. */
const AFTER_EVERY_ID = '~';

/** Orders in the system of record; placing one also empties the cart it was priced from. */
export class SqliteOrders implements Orders {
  private readonly carts: CartRows;
  private readonly byId: SqliteStatement<[string, string], OrderRow>;
  private readonly bookVersion: SqliteStatement<[string], { version: number }>;
  private readonly byKey: SqliteStatement<[string, string], OrderRow>;
  private readonly insertRow: SqliteStatement<[string, string, string, string]>;
  private readonly pageByUser: SqliteStatement<[string, string, number], OrderRow>;

  constructor(
    db: SqliteDatabase,
    private readonly outbox: Outbox,
  ) {
    this.carts = new CartRows(db);
    this.byId = db.prepare('SELECT id, doc FROM orders WHERE id = ? AND user_id = ?');
    this.bookVersion = db.prepare("SELECT json_extract(doc, '$.version') AS version FROM books WHERE id = ?");
    this.byKey = db.prepare('SELECT id, doc FROM orders WHERE user_id = ? AND idempotency_key = ?');
    this.insertRow = db.prepare('INSERT INTO orders (id, user_id, idempotency_key, doc) VALUES (?, ?, ?, ?)');
    // Ids are time-ordered, so descending id is newest first.
    this.pageByUser = db.prepare('SELECT id, doc FROM orders WHERE user_id = ? AND id < ? ORDER BY id DESC LIMIT ?');
  }

  async place(order: Order, cartVersion: number, options: PlaceOptions = {}): Promise<PlaceResult> {
    return this.outbox.write(() => {
      const placed = this.byKey.get(order.userId, order.idempotencyKey);
      if (placed) return { order: orderFromDoc(placed.doc), created: false };
      const cart = this.carts.get(order.userId);
      if (cart.version !== cartVersion) {
        throw cartChanged();
      }
      for (const [bookId, version] of options.pricedAt ?? []) {
        if (this.bookVersion.get(bookId)?.version !== version) throw pricesChanged();
      }
      this.insertRow.run(order.id, order.userId, order.idempotencyKey, JSON.stringify(order));
      this.outbox.append({ entity: 'order', key: order.id, op: 'insert', newImage: order, oldImage: null });
      if (cart.lines.length > 0) {
        // Emptying leaves a tombstone that keeps counting versions (see CartRows.replace): a `remove` event.
        this.carts.replace(cart, [], new Date().toISOString());
        this.outbox.append({ entity: 'cart', key: order.userId, op: 'remove', newImage: null, oldImage: cart });
      }
      return { order, created: true };
    });
  }

  async findByIdempotencyKey(userId: string, key: string): Promise<Order | null> {
    const row = this.byKey.get(userId, key);
    return row ? orderFromDoc(row.doc) : null;
  }

  async get(userId: string, id: string): Promise<Order | null> {
    const row = this.byId.get(id, userId);
    return row ? orderFromDoc(row.doc) : null;
  }

  async listByUser(userId: string, request: PageRequest): Promise<Page<Order>> {
    const [beforeId] = request.cursor === undefined ? [AFTER_EVERY_ID] : (decodeCursor(request.cursor, 1) as [string]);
    const rows = this.pageByUser.all(userId, beforeId, request.limit + 1);
    const pageRows = rows.slice(0, request.limit);
    const last = pageRows.at(-1);
    return {
      items: pageRows.map((r) => orderFromDoc(r.doc)),
      nextCursor: rows.length > request.limit && last ? encodeCursor([last.id]) : null,
    };
  }
}
