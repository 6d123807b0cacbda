import type { BookInput } from '../../src/domain/book.js';
import type { CartLine } from '../../src/domain/cart.js';
import { newId } from '../../src/domain/ids.js';
import { completeIsbn13 } from '../../src/domain/isbn.js';
import type { Order } from '../../src/domain/order.js';
import type { Carts } from '../../src/ports/carts.js';
import type { Catalog } from '../../src/ports/catalog.js';
import type { ChangeFeed, Snapshots } from '../../src/ports/change-feed.js';
import type { Friendships } from '../../src/ports/friendships.js';
import type { Orders } from '../../src/ports/orders.js';
import type { Users } from '../../src/ports/users.js';

/** Every port of one system of record, fresh and empty, as the conformance suites receive it. */
export interface SystemOfRecordPorts {
  catalog: Catalog;
  users: Users;
  carts: Carts;
  orders: Orders;
  friendships: Friendships;
  changeFeed: ChangeFeed;
  snapshots: Snapshots;
  close(): Promise<void>;
}

export type MakeSystemOfRecord = () => Promise<SystemOfRecordPorts>;

/** A valid, already normalized book input whose ISBN is derived from `n`, so distinct `n` never collide. */
export function bookInput(n: number, overrides: Partial<BookInput> = {}): BookInput & { stock: number | null } {
  return {
    isbn: completeIsbn13('978' + String(n).padStart(9, '0')),
    title: `Book ${n}`,
    authors: [`Author ${n}`],
    category: 'Fiction',
    description: `The story of book ${n}.`,
    price: 1000 + n,
    currency: 'USD',
    coverUrl: null,
    rating: 4.5,
    year: 2001,
    stock: null,
    ...overrides,
  };
}

export function cartLine(bookId: string, quantity = 1): CartLine {
  return { bookId, quantity, addedAt: '2025-01-01T00:00:00.000Z' };
}

/** An order as checkout builds it; `at` (epoch ms) sets both its id's time and createdAt. */
export function orderFor(userId: string, idempotencyKey: string, at = Date.now()): Order {
  return {
    id: newId(at),
    userId,
    lines: [{ bookId: newId(at), isbn: completeIsbn13('978000000001'), title: 'Book 1', category: 'Fiction', unitPrice: 1250, quantity: 2, lineTotal: 2500 }],
    itemCount: 2,
    total: 2500,
    currency: 'USD',
    status: 'placed',
    statusHistory: [{ status: 'placed', at: new Date(at).toISOString(), by: { role: 'customer', userId } }],
    payment: null,
    shippingAddress: null,
    idempotencyKey,
    createdAt: new Date(at).toISOString(),
  };
}
