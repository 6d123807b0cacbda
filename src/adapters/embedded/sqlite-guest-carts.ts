import { inAddedOrder, sameLines, withQuantity, type CartLine } from '../../domain/cart.js';
import { ConflictError } from '../../domain/errors.js';
import { isExpired, type GuestCart } from '../../domain/guest-cart.js';
import type { GuestCarts } from '../../ports/guest-carts.js';
import type { SqliteDatabase, SqliteStatement } from './sqlite-database.js';

/** Schema step of the system of record (appended to its steps in sqlite-system-of-record.ts). */
export const GUEST_CARTS_SCHEMA = `
  -- Visitors' carts, keyed by the SHA-256 of the token the visitor holds (docs/architecture.md).
  CREATE TABLE guest_carts (
    id TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    lines TEXT NOT NULL
  ) STRICT;
  CREATE INDEX guest_carts_by_expiry ON guest_carts (expires_at);
`;

interface GuestCartRow {
  id: string;
  version: number;
  updated_at: string;
  expires_at: string;
  lines: string;
}

function fromRow(row: GuestCartRow): GuestCart {
  return { id: row.id, lines: inAddedOrder(JSON.parse(row.lines) as CartLine[]), version: row.version, updatedAt: row.updated_at, expiresAt: row.expires_at };
}

/** How many expired carts one creation deletes: the sweep is paid by the creations that fill the table. */
const SWEEP = 50;

/**
 * Guest carts in the embedded database, one row each. There is no timer: every creation deletes a
 * few expired rows, so the table holds about what the creation limit allows over one time to live.
 * Writes are single IMMEDIATE transactions; they record no change events (see the port).
 */
export class SqliteGuestCarts implements GuestCarts {
  private readonly byId: SqliteStatement<[string], GuestCartRow>;
  private readonly insert: SqliteStatement<[string, number, string, string, string]>;
  private readonly update: SqliteStatement<[number, string, string, string, string]>;
  private readonly remove: SqliteStatement<[string]>;
  private readonly sweep: SqliteStatement<[string, number]>;

  constructor(
    private readonly db: SqliteDatabase,
    /** Settles once every commit made so far is on disk (see WalSync): each write waits for it before it reports. */
    private readonly durable: () => Promise<void>,
  ) {
    this.byId = db.prepare('SELECT id, version, updated_at, expires_at, lines FROM guest_carts WHERE id = ?');
    this.insert = db.prepare('INSERT INTO guest_carts (id, version, updated_at, expires_at, lines) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING');
    this.update = db.prepare('UPDATE guest_carts SET version = ?, updated_at = ?, expires_at = ?, lines = ? WHERE id = ?');
    this.remove = db.prepare('DELETE FROM guest_carts WHERE id = ?');
    this.sweep = db.prepare('DELETE FROM guest_carts WHERE id IN (SELECT id FROM guest_carts WHERE expires_at <= ? ORDER BY expires_at LIMIT ?)');
  }

  async create(id: string, at: string, expiresAt: string): Promise<GuestCart> {
    const created = this.db
      .transaction(() => {
        this.sweep.run(at, SWEEP);
        const cart: GuestCart = { id, lines: [], version: 1, updatedAt: at, expiresAt };
        const { changes } = this.insert.run(id, cart.version, at, expiresAt, '[]');
        if (changes === 0) throw new ConflictError('guest-cart-exists', 'a guest cart with this token exists already');
        return cart;
      })
      .immediate();
    await this.durable();
    return created;
  }

  async get(id: string, now: string): Promise<GuestCart | null> {
    return this.live(id, now);
  }

  async setLine(id: string, bookId: string, quantity: number, at: string, expiresAt: string): Promise<GuestCart | null> {
    return await this.change(id, at, expiresAt, (current) => withQuantity({ userId: id, ...current }, bookId, quantity, at));
  }

  async removeLine(id: string, bookId: string, at: string, expiresAt: string): Promise<GuestCart | null> {
    return await this.change(id, at, expiresAt, (current) => current.lines.filter((l) => l.bookId !== bookId));
  }

  async take(id: string, now: string): Promise<GuestCart | null> {
    const taken = this.db
      .transaction(() => {
        const cart = this.live(id, now);
        if (cart) this.remove.run(id);
        return cart;
      })
      .immediate();
    if (taken) await this.durable();
    return taken;
  }

  async restore(cart: GuestCart): Promise<void> {
    this.insert.run(cart.id, cart.version, cart.updatedAt, cart.expiresAt, JSON.stringify(inAddedOrder(cart.lines)));
    await this.durable();
  }

  private live(id: string, now: string): GuestCart | null {
    const row = this.byId.get(id);
    if (!row) return null;
    const cart = fromRow(row);
    return isExpired(cart, now) ? null : cart;
  }

  private async change(id: string, at: string, expiresAt: string, next: (current: GuestCart) => CartLine[]): Promise<GuestCart | null> {
    const changed = this.db
      .transaction(() => {
        const current = this.live(id, at);
        if (!current) return null;
        const lines = inAddedOrder(next(current));
        const changed = !sameLines(lines, current.lines);
        const cart: GuestCart = { id, lines, version: current.version + 1, updatedAt: changed ? at : current.updatedAt, expiresAt };
        this.update.run(cart.version, cart.updatedAt, cart.expiresAt, JSON.stringify(cart.lines), id);
        return cart;
      })
      .immediate();
    if (changed) await this.durable();
    return changed;
  }
}
