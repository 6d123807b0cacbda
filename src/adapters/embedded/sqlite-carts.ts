import { emptyCart, inAddedOrder, sameLines, withQuantity, type Cart, type CartLine } from '../../domain/cart.js';
import { PreconditionFailedError } from '../../domain/errors.js';
import type { Carts } from '../../ports/carts.js';
import type { SqliteDatabase, SqliteStatement } from './sqlite-database.js';
import type { Outbox } from './sqlite-outbox.js';

export interface CartRow {
  user_id: string;
  version: number;
  updated_at: string;
  lines: string;
}

export function cartFromRow(row: CartRow): Cart {
  return { userId: row.user_id, lines: inAddedOrder(JSON.parse(row.lines) as CartLine[]), version: row.version, updatedAt: row.updated_at };
}

/**
 * Shared by Carts and Orders (a checkout empties the cart in its own transaction): reads and writes
 * the cart row, including the tombstone an emptied cart leaves behind.
 */
export class CartRows {
  private readonly byUser: SqliteStatement<[string], CartRow>;
  private readonly put: SqliteStatement<[string, number, string, string]>;
  private readonly deleteRow: SqliteStatement<[string]>;

  constructor(db: SqliteDatabase) {
    this.byUser = db.prepare('SELECT user_id, version, updated_at, lines FROM carts WHERE user_id = ?');
    this.deleteRow = db.prepare('DELETE FROM carts WHERE user_id = ?');
    this.put = db.prepare(
      `INSERT INTO carts (user_id, version, updated_at, lines) VALUES (?, ?, ?, ?)
       ON CONFLICT (user_id) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at, lines = excluded.lines`,
    );
  }

  /** Deletes the row, tombstone or not; whether there was one. */
  delete(userId: string): boolean {
    return this.deleteRow.run(userId).changes > 0;
  }

  get(userId: string): Cart {
    const row = this.byUser.get(userId);
    return row ? cartFromRow(row) : emptyCart(userId);
  }

  /**
   * Stores `lines` as the next version of `current` and returns the new cart with the change event
   * to record. An emptied cart keeps its row, with no lines, as a tombstone: its version goes on
   * counting, so a cart re-created later never reuses a version a checkout may have priced. The event
   * of emptying is a `remove` (no new image), as there is no cart left to show.
   */
  replace(current: Cart, lines: CartLine[], now: string): { cart: Cart; op: 'insert' | 'modify' | 'remove' } {
    const cart: Cart = { userId: current.userId, lines: inAddedOrder(lines), version: current.version + 1, updatedAt: now };
    this.put.run(cart.userId, cart.version, cart.updatedAt, JSON.stringify(cart.lines));
    const op = current.lines.length === 0 ? 'insert' : lines.length === 0 ? 'remove' : 'modify';
    return { cart, op };
  }
}

/** Carts in the system of record, with optimistic concurrency on the cart version. */
export class SqliteCarts implements Carts {
  private readonly rows: CartRows;

  constructor(
    db: SqliteDatabase,
    private readonly outbox: Outbox,
  ) {
    this.rows = new CartRows(db);
  }

  /** The stored cart; an emptied cart comes back with no lines at its tombstone's version. */
  async get(userId: string): Promise<Cart> {
    return this.rows.get(userId);
  }

  async save(userId: string, lines: CartLine[], expectedVersion: number): Promise<Cart> {
    return this.outbox.write(() => {
      const current = this.rows.get(userId);
      if (current.version !== expectedVersion) throw new PreconditionFailedError('cart', userId, current.version);
      return this.store(current, lines, new Date().toISOString());
    });
  }

  async setLine(userId: string, bookId: string, quantity: number, at: string): Promise<Cart> {
    return this.outbox.write(() => {
      const current = this.rows.get(userId);
      return this.store(current, withQuantity(current, bookId, quantity, at), at);
    });
  }

  async removeLine(userId: string, bookId: string, at: string): Promise<Cart> {
    return this.outbox.write(() => {
      const current = this.rows.get(userId);
      return this.store(current, current.lines.filter((l) => l.bookId !== bookId), at);
    });
  }

  async delete(userId: string): Promise<boolean> {
    return this.outbox.write(() => {
      const current = this.rows.get(userId);
      const existed = this.rows.delete(userId);
      if (current.lines.length > 0) this.outbox.append({ entity: 'cart', key: userId, op: 'remove', newImage: null, oldImage: current });
      return existed;
    });
  }

  /** Inside the caller's transaction: the next version with `lines` and its event, unless nothing changes. */
  private store(current: Cart, lines: CartLine[], now: string): Cart {
    if (sameLines(lines, current.lines)) return current;
    const { cart, op } = this.rows.replace(current, lines, now);
    this.outbox.append({
      entity: 'cart',
      key: current.userId,
      op,
      newImage: op === 'remove' ? null : cart,
      oldImage: op === 'insert' ? null : current,
    });
    return cart;
  }
}
