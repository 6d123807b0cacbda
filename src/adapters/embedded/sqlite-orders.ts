import { anonymiseOrder } from '../../domain/account-deletion.js';
import { NotFoundError } from '../../domain/errors.js';
import { cartChanged, withLifecycle, type Order, type StatusChange } from '../../domain/order.js';
import { statusChanged } from '../../domain/order-status.js';
import type { OrderListRequest, Orders, PlaceOptions, PlaceResult } from '../../ports/orders.js';
import { BookStockRows } from './sqlite-stock.js';
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
  return withLifecycle(JSON.parse(doc) as Order);
}

/** The largest id: ids are 26 characters of [0-9a-z], so this sorts after all of them. */
const AFTER_EVERY_ID = '~';

/** Orders in the system of record; placing one also empties the cart it was priced from. */
export class SqliteOrders implements Orders {
  private readonly carts: CartRows;
  private readonly byId: SqliteStatement<[string, string], OrderRow>;
  private readonly stock: BookStockRows;
  private readonly anyById: SqliteStatement<[string], OrderRow>;
  private readonly updateDoc: SqliteStatement<[string, string]>;
  private readonly pageAll: SqliteStatement<[string, number], OrderRow>;
  private readonly pageByStatus: SqliteStatement<[string, string, number], OrderRow>;
  private readonly byKey: SqliteStatement<[string, string], OrderRow>;
  private readonly insertRow: SqliteStatement<[string, string, string, string]>;
  private readonly pageByUser: SqliteStatement<[string, string, number], OrderRow>;
  private readonly reown: SqliteStatement<[string, string, string, string, string]>;

  constructor(
    db: SqliteDatabase,
    private readonly outbox: Outbox,
  ) {
    this.carts = new CartRows(db);
    this.byId = db.prepare('SELECT id, doc FROM orders WHERE id = ? AND user_id = ?');
    this.stock = new BookStockRows(db, outbox);
    // An expression index needs no schema step: every stored order document has a status.
    db.exec("CREATE INDEX IF NOT EXISTS orders_by_status ON orders (json_extract(doc, '$.status'), id DESC)");
    this.anyById = db.prepare('SELECT id, doc FROM orders WHERE id = ?');
    this.updateDoc = db.prepare('UPDATE orders SET doc = ? WHERE id = ?');
    this.pageAll = db.prepare('SELECT id, doc FROM orders WHERE id < ? ORDER BY id DESC LIMIT ?');
    this.pageByStatus = db.prepare("SELECT id, doc FROM orders WHERE json_extract(doc, '$.status') = ? AND id < ? ORDER BY id DESC LIMIT ?");
    this.byKey = db.prepare('SELECT id, doc FROM orders WHERE user_id = ? AND idempotency_key = ?');
    this.insertRow = db.prepare('INSERT INTO orders (id, user_id, idempotency_key, doc) VALUES (?, ?, ?, ?)');
    // Ids are time-ordered, so descending id is newest first.
    this.pageByUser = db.prepare('SELECT id, doc FROM orders WHERE user_id = ? AND id < ? ORDER BY id DESC LIMIT ?');
    this.reown = db.prepare('UPDATE orders SET user_id = ?, idempotency_key = ?, doc = ? WHERE id = ? AND user_id = ?');
  }

  async place(order: Order, cartVersion: number, options: PlaceOptions = {}): Promise<PlaceResult> {
    return this.outbox.write(() => {
      const placed = this.byKey.get(order.userId, order.idempotencyKey);
      if (placed) return { order: orderFromDoc(placed.doc), created: false };
      const cart = this.carts.get(order.userId);
      if (cart.version !== cartVersion) {
        throw cartChanged();
      }
      if (options.takeStock) this.stock.take(order);
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

  async find(id: string): Promise<Order | null> {
    const row = this.anyById.get(id);
    return row ? orderFromDoc(row.doc) : null;
  }

  async listByUser(userId: string, request: PageRequest): Promise<Page<Order>> {
    return pageOf(request, (beforeId, limit) => this.pageByUser.all(userId, beforeId, limit));
  }

  async listAll(request: OrderListRequest): Promise<Page<Order>> {
    const { status } = request;
    return pageOf(request, (beforeId, limit) => (status === undefined ? this.pageAll.all(beforeId, limit) : this.pageByStatus.all(status, beforeId, limit)));
  }

  async anonymise(userId: string, orderId: string, pseudonym: string): Promise<Order> {
    return this.outbox.write(() => {
      const row = this.byId.get(orderId, userId);
      if (!row) throw new NotFoundError('order', orderId);
      const current = orderFromDoc(row.doc);
      const next = anonymiseOrder(current, pseudonym);
      this.reown.run(next.userId, next.idempotencyKey, JSON.stringify(next), next.id, userId);
      this.outbox.append({ entity: 'order', key: next.id, op: 'modify', newImage: next, oldImage: current });
      return next;
    });
  }

  async changeStatus(order: Order, change: StatusChange): Promise<Order> {
    return this.outbox.write(() => {
      const row = this.anyById.get(order.id);
      const current = row ? orderFromDoc(row.doc) : null;
      if (!current || current.status !== order.status) throw statusChanged();
      const next: Order = { ...current, status: change.status, statusHistory: [...current.statusHistory, change] };
      this.updateDoc.run(JSON.stringify(next), next.id);
      this.outbox.append({ entity: 'order', key: next.id, op: 'modify', newImage: next, oldImage: current });
      if (change.status === 'cancelled') this.stock.restock(next, change.at);
      return next;
    });
  }
}

/** A page of orders newest first: ids are time-ordered, so the cursor is the last id shown. */
function pageOf(request: PageRequest, rowsBefore: (beforeId: string, limit: number) => OrderRow[]): Page<Order> {
  const [beforeId] = request.cursor === undefined ? [AFTER_EVERY_ID] : (decodeCursor(request.cursor, 1) as [string]);
  const rows = rowsBefore(beforeId, request.limit + 1);
  const pageRows = rows.slice(0, request.limit);
  const last = pageRows.at(-1);
  return {
    items: pageRows.map((r) => orderFromDoc(r.doc)),
    nextCursor: rows.length > request.limit && last ? encodeCursor([last.id]) : null,
  };
}
