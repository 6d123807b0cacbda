import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { CART_LIMITS } from '../../domain/cart.js';
import { cartChanged, pricesChanged, type Order } from '../../domain/order.js';
import type { Orders, PlaceOptions, PlaceResult } from '../../ports/orders.js';
import type { Page, PageRequest } from '../../ports/page.js';
import { cartAtVersion, cartItem } from './dynamodb-carts.js';
import {
  queryPageAhead,
  cancellationCodes,
  keys,
  RETRY,
  withRetries,
  type DocumentClientLike,
  type DynamoSystemOfRecordOptions,
  type Item,
} from './dynamodb-items.js';
import { decodeCursor, encodeCursor } from '../page-cursor.js';

/** The order's own fields, in the order the domain lists them. */
export function orderFromItem(item: Item): Order {
  const o = item as unknown as Order;
  return {
    id: o.id,
    userId: o.userId,
    lines: o.lines,
    itemCount: o.itemCount,
    total: o.total,
    currency: o.currency,
    status: o.status,
    shippingAddress: o.shippingAddress,
    idempotencyKey: o.idempotencyKey,
    createdAt: o.createdAt,
  };
}

/** Where the actions of a checkout sit in its TransactWriteItems, to read its cancellation reasons. */
const PLACE = { order: 0, idempotency: 1, cart: 2, firstBook: 3 } as const;
/** DynamoDB's limit on the actions of one transaction. */
const TRANSACTION_ACTIONS_MAX = 100;
if (PLACE.firstBook + CART_LIMITS.linesMax > TRANSACTION_ACTIONS_MAX) {
  throw new Error(`a checkout of ${CART_LIMITS.linesMax} books would not fit in one DynamoDB transaction`);
}

/**
 * Orders on a DynamoDB table (docs/dynamodb.md): each order in its customer's partition under
 * `ORDER#<id>` (ids are time-ordered, so a descending query is newest first) and an `IDEMP#<key>` item
 * per idempotency key. Checkout is one TransactWriteItems. Every read here is strongly consistent (no
 * GSI is involved).
 */
export class DynamoOrders implements Orders {
  private readonly client: DocumentClientLike;
  private readonly table: string;

  constructor(options: DynamoSystemOfRecordOptions) {
    this.client = options.client;
    this.table = options.tableName;
  }

  /**
   * One TransactWriteItems and no read before it: order, idempotency item, the emptied cart and a
   * ConditionCheck on each priced book's version, so the conditions decide atomically what reads could
   * not. Only a cancelled transaction reads: a taken key answers with that key's order (a retry,
   * whatever the cart holds by then), a cart that moved on is `cart-changed`, a book that did is
   * `prices-changed`, and a conflict with a concurrent transaction is tried again from the start.
   */
  async place(order: Order, cartVersion: number, options: PlaceOptions = {}): Promise<PlaceResult> {
    const books = [...(options.pricedAt ?? [])];
    if (PLACE.firstBook + books.length > TRANSACTION_ACTIONS_MAX) {
      throw new Error(`cannot check ${books.length} book versions in one checkout; a cart holds at most ${CART_LIMITS.linesMax} books`);
    }
    // The order's lines are the cart's at `cartVersion`, so the cart item needs no read: emptying it
    // leaves a tombstone that keeps counting versions (see DynamoCarts). Version 0 is a cart never
    // stored, and an order of no lines empties nothing: those only check the version.
    const emptied = cartItem({ userId: order.userId, lines: [], version: cartVersion + 1, updatedAt: order.createdAt });
    const cartAction =
      cartVersion > 0 && order.lines.length > 0
        ? { Put: { TableName: this.table, Item: emptied, ...cartAtVersion(cartVersion) } }
        : { ConditionCheck: { TableName: this.table, Key: keys.cart(order.userId), ...cartAtVersion(cartVersion) } };
    return withRetries('checkout', async () => {
      try {
        await this.client.send(
          new TransactWriteCommand({
            TransactItems: [
              { Put: { TableName: this.table, Item: { ...keys.order(order.userId, order.id), type: 'order', ...order }, ConditionExpression: 'attribute_not_exists(pk)' } },
              {
                Put: {
                  TableName: this.table,
                  Item: { ...keys.idempotency(order.userId, order.idempotencyKey), type: 'idempotency', orderId: order.id },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              cartAction,
              ...books.map(([bookId, version]) => ({
                ConditionCheck: { TableName: this.table, Key: keys.book(bookId), ConditionExpression: 'version = :priced', ExpressionAttributeValues: { ':priced': version } },
              })),
            ],
          }),
        );
        return { order, created: true };
      } catch (error) {
        const codes = cancellationCodes(error);
        if (!codes) throw error;
        if (codes.includes('TransactionConflict')) return RETRY;
        // A taken key answers with its order, whatever else failed with it: its own checkout may be
        // what emptied the cart.
        if (codes[PLACE.idempotency] === 'ConditionalCheckFailed' || codes[PLACE.cart] === 'ConditionalCheckFailed') {
          const placed = await this.findByIdempotencyKey(order.userId, order.idempotencyKey);
          if (placed) return { order: placed, created: false };
          if (codes[PLACE.cart] === 'ConditionalCheckFailed') throw cartChanged();
          return RETRY;
        }
        if (codes.slice(PLACE.firstBook).includes('ConditionalCheckFailed')) throw pricesChanged();
        throw error;
      }
    });
  }

  async findByIdempotencyKey(userId: string, key: string): Promise<Order | null> {
    const { Item: pointer } = await this.client.send(new GetCommand({ TableName: this.table, Key: keys.idempotency(userId, key), ConsistentRead: true }));
    return pointer ? this.get(userId, String(pointer.orderId)) : null;
  }

  async get(userId: string, id: string): Promise<Order | null> {
    const { Item: item } = await this.client.send(new GetCommand({ TableName: this.table, Key: keys.order(userId, id), ConsistentRead: true }));
    return item ? orderFromItem(item) : null;
  }

  async listByUser(userId: string, request: PageRequest): Promise<Page<Order>> {
    const before = request.cursor === undefined ? undefined : decodeCursor(request.cursor, 1)[0]!;
    const start: Item | undefined = before === undefined ? undefined : keys.order(userId, before);
    const items = await queryPageAhead(
      this.client,
      {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :orders)',
        ExpressionAttributeValues: { ':pk': keys.order(userId, '').pk, ':orders': keys.order(userId, '').sk },
        ScanIndexForward: false,
        ConsistentRead: true,
      },
      start,
      request.limit,
    );
    const orders = items.slice(0, request.limit).map(orderFromItem);
    const last = orders.at(-1);
    return { items: orders, nextCursor: items.length > request.limit && last ? encodeCursor([last.id]) : null };
  }
}
