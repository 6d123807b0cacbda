import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { anonymiseOrder } from '../../domain/account-deletion.js';
import { CART_LIMITS } from '../../domain/cart.js';
import { NotFoundError } from '../../domain/errors.js';
import { cartChanged, pricesChanged, withLifecycle, type Order, type OrderStatus, type StatusChange } from '../../domain/order.js';
import { statusChanged } from '../../domain/order-status.js';
import { OutOfStockError, shortagesOf, unitsByBook } from '../../domain/stock.js';
import type { OrderListRequest, Orders, PlaceOptions, PlaceResult } from '../../ports/orders.js';
import { bookFromItem } from './dynamodb-catalog.js';
import type { Page, PageRequest } from '../../ports/page.js';
import { cartAtVersion, cartItem } from './dynamodb-carts.js';
import {
  batchGet,
  GSI1,
  GSI2,
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
  return withLifecycle({
    id: o.id,
    userId: o.userId,
    lines: o.lines,
    itemCount: o.itemCount,
    total: o.total,
    currency: o.currency,
    status: o.status,
    statusHistory: o.statusHistory,
    payment: o.payment,
    shippingAddress: o.shippingAddress,
    idempotencyKey: o.idempotencyKey,
    createdAt: o.createdAt,
  });
}

/**
 * Every order is also in both GSIs, for admins: GSI1 by status (`ORDERS#<status>`), GSI2 all orders
 * (`ORDERS`), each sorted by the time-ordered id. One partition per status holds every order of it:
 * fine for a shop's order rate, far below a GSI partition's 1,000 writes a second.
 */
const ORDERS_GSI = { byStatus: (status: OrderStatus) => `ORDERS#${status}`, all: 'ORDERS' } as const;

export function orderItem(order: Order): Item {
  return {
    ...keys.order(order.userId, order.id),
    type: 'order',
    ...order,
    [`${GSI1}pk`]: ORDERS_GSI.byStatus(order.status),
    [`${GSI1}sk`]: order.id,
    [`${GSI2}pk`]: ORDERS_GSI.all,
    [`${GSI2}sk`]: order.id,
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
    const units = options.takeStock ? [...unitsByBook(order.lines)] : [];
    const counted = options.takeStock?.countedStock ?? new Set<string>();
    const books = units.map(([bookId, quantity]) => this.stockAction(order, bookId, quantity, counted.has(bookId)));
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
              { Put: { TableName: this.table, Item: orderItem(order), ConditionExpression: 'attribute_not_exists(pk)' } },
              {
                Put: {
                  TableName: this.table,
                  Item: { ...keys.idempotency(order.userId, order.idempotencyKey), type: 'idempotency', orderId: order.id },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              cartAction,
              ...books,
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
        if (codes.slice(PLACE.firstBook).includes('ConditionalCheckFailed')) throw await this.whyBooksRefused(order);
        throw error;
      }
    });
  }

  /**
   * A counted book takes its copies with a condition on price, currency and stock; an uncounted one
   * only checks that it is still sold at the price and still uncounted (its stock is `null` or, for
   * a book stored before stock existed, absent).
   */
  private stockAction(order: Order, bookId: string, quantity: number, counted: boolean) {
    const line = order.lines.find((l) => l.bookId === bookId)!;
    const priced = 'price = :price AND currency = :currency';
    const values = { ':price': line.unitPrice, ':currency': order.currency };
    if (!counted) {
      return {
        ConditionCheck: {
          TableName: this.table,
          Key: keys.book(bookId),
          ConditionExpression: `${priced} AND (attribute_not_exists(stock) OR attribute_type(stock, :null))`,
          ExpressionAttributeValues: { ...values, ':null': 'NULL' },
        },
      };
    }
    return {
      Update: {
        TableName: this.table,
        Key: keys.book(bookId),
        UpdateExpression: 'SET stock = stock - :units, version = version + :one, updatedAt = :now',
        ConditionExpression: `${priced} AND attribute_type(stock, :number) AND stock >= :units`,
        ExpressionAttributeValues: { ...values, ':units': quantity, ':one': 1, ':now': order.createdAt, ':number': 'N' },
      },
    };
  }

  /**
   * A book refused the checkout: reads the books again to say why. Too few copies is
   * OutOfStockError with what is left now; anything else (a new price, a book gone, stock that
   * started or stopped being counted) is `prices-changed`, which the checkout prices again.
   */
  private async whyBooksRefused(order: Order): Promise<Error> {
    const items = await batchGet(this.client, this.table, [...unitsByBook(order.lines).keys()].map(keys.book));
    const books = new Map(items.map((item) => [String(item.id), bookFromItem(item)]));
    const priceMoved = order.lines.some((l) => {
      const book = books.get(l.bookId);
      return !book || book.price !== l.unitPrice || book.currency !== order.currency;
    });
    if (priceMoved) return pricesChanged();
    const shortages = shortagesOf(order.lines, books);
    return shortages.length > 0 ? new OutOfStockError(shortages) : pricesChanged();
  }

  async findByIdempotencyKey(userId: string, key: string): Promise<Order | null> {
    const { Item: pointer } = await this.client.send(new GetCommand({ TableName: this.table, Key: keys.idempotency(userId, key), ConsistentRead: true }));
    return pointer ? this.get(userId, String(pointer.orderId)) : null;
  }

  async get(userId: string, id: string): Promise<Order | null> {
    const { Item: item } = await this.client.send(new GetCommand({ TableName: this.table, Key: keys.order(userId, id), ConsistentRead: true }));
    return item ? orderFromItem(item) : null;
  }

  async find(id: string): Promise<Order | null> {
    // The GSI says whose order it is; the order itself is then read strongly consistent.
    const out = await this.client.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: GSI2,
        KeyConditionExpression: '#pk = :all AND #sk = :id',
        ExpressionAttributeNames: { '#pk': `${GSI2}pk`, '#sk': `${GSI2}sk` },
        ExpressionAttributeValues: { ':all': ORDERS_GSI.all, ':id': id },
      }),
    );
    const found = out.Items?.[0];
    return found ? this.get(String(found.userId), id) : null;
  }

  async listAll(request: OrderListRequest): Promise<Page<Order>> {
    const [index, partition] = request.status === undefined ? [GSI2, ORDERS_GSI.all] : [GSI1, ORDERS_GSI.byStatus(request.status)];
    let start: Item | undefined;
    if (request.cursor !== undefined) {
      const [id, userId] = decodeCursor(request.cursor, 2) as [string, string];
      start = { ...keys.order(userId, id), [`${index}pk`]: partition, [`${index}sk`]: id };
    }
    const items = await queryPageAhead(
      this.client,
      {
        TableName: this.table,
        IndexName: index,
        KeyConditionExpression: '#pk = :partition',
        ExpressionAttributeNames: { '#pk': `${index}pk` },
        ExpressionAttributeValues: { ':partition': partition },
        ScanIndexForward: false,
      },
      start,
      request.limit,
    );
    const orders = items.slice(0, request.limit).map(orderFromItem);
    const last = orders.at(-1);
    return { items: orders, nextCursor: items.length > request.limit && last ? encodeCursor([last.id, last.userId]) : null };
  }

  /**
   * One TransactWriteItems: the order's new status (on the condition that it still has the status
   * read) and, for a cancellation, the copies back on each book counting its stock. The books are
   * read first; a book that stopped counting or left meanwhile fails its condition and the whole
   * move is tried again.
   */
  async changeStatus(order: Order, change: StatusChange): Promise<Order> {
    const next: Order = { ...order, status: change.status, statusHistory: [...order.statusHistory, change] };
    return withRetries('order status', async () => {
      const restock: object[] = [];
      if (change.status === 'cancelled') {
        const units = unitsByBook(order.lines);
        for (const item of await batchGet(this.client, this.table, [...units.keys()].map(keys.book))) {
          const book = bookFromItem(item);
          if (book.stock === null) continue;
          restock.push({
            Update: {
              TableName: this.table,
              Key: keys.book(book.id),
              UpdateExpression: 'SET stock = stock + :units, version = version + :one, updatedAt = :now',
              ConditionExpression: 'attribute_type(stock, :number)',
              ExpressionAttributeValues: { ':units': units.get(book.id)!, ':one': 1, ':now': change.at, ':number': 'N' },
            },
          });
        }
      }
      try {
        await this.client.send(
          new TransactWriteCommand({
            TransactItems: [
              { Put: { TableName: this.table, Item: orderItem(next), ConditionExpression: '#status = :from', ExpressionAttributeNames: { '#status': 'status' }, ExpressionAttributeValues: { ':from': order.status } } },
              ...restock,
            ] as NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>,
          }),
        );
        return next;
      } catch (error) {
        const codes = cancellationCodes(error);
        if (!codes) throw error;
        if (codes[0] === 'ConditionalCheckFailed') throw statusChanged();
        return RETRY;
      }
    });
  }

  /**
   * One TransactWriteItems that moves the order out of the customer's partition: the item deleted at
   * its old key (on the condition that its status is still the one read), the anonymised order put
   * under the pseudonym's, and the idempotency item deleted. A lost race reads again.
   */
  async anonymise(userId: string, orderId: string, pseudonym: string): Promise<Order> {
    return withRetries('order anonymisation', async () => {
      const current = await this.get(userId, orderId);
      if (!current) throw new NotFoundError('order', orderId);
      const next = anonymiseOrder(current, pseudonym);
      try {
        await this.client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Delete: {
                  TableName: this.table,
                  Key: keys.order(userId, orderId),
                  ConditionExpression: '#status = :status',
                  ExpressionAttributeNames: { '#status': 'status' },
                  ExpressionAttributeValues: { ':status': current.status },
                },
              },
              { Put: { TableName: this.table, Item: orderItem(next), ConditionExpression: 'attribute_not_exists(pk)' } },
              { Delete: { TableName: this.table, Key: keys.idempotency(userId, current.idempotencyKey) } },
            ],
          }),
        );
        return next;
      } catch (error) {
        if (cancellationCodes(error) !== null) return RETRY;
        throw error;
      }
    });
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
