import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { CART_LIMITS, emptyCart, inAddedOrder, sameLines, withQuantity, type Cart, type CartLine } from '../../domain/cart.js';
import { PreconditionFailedError } from '../../domain/errors.js';
import type { Carts } from '../../ports/carts.js';
import {
  isConditionFailure,
  isTransactionConflict,
  keys,
  RETRY,
  withRetries,
  type DocumentClientLike,
  type DynamoSystemOfRecordOptions,
  type Item,
} from './dynamodb-items.js';

/**
 * A cart's lines are two maps keyed by book id, `quantities` and `addedAt`, rather than a list: an
 * UpdateItem can then set or remove one line by its path, with no read first.
 */
interface CartAttributes {
  userId: string;
  version: number;
  updatedAt: string;
  quantities?: Record<string, number>;
  addedAt?: Record<string, string>;
  /** The shape before the maps, still read. */
  lines?: CartLine[];
}

export function cartItem(cart: Cart): Item {
  const quantities: Record<string, number> = {};
  const addedAt: Record<string, string> = {};
  for (const l of cart.lines) {
    quantities[l.bookId] = l.quantity;
    addedAt[l.bookId] = l.addedAt;
  }
  return { ...keys.cart(cart.userId), type: 'cart', userId: cart.userId, version: cart.version, updatedAt: cart.updatedAt, quantities, addedAt };
}

export function cartFromItem(item: Item): Cart {
  const c = item as unknown as CartAttributes;
  const lines = c.quantities
    ? Object.entries(c.quantities).map(([bookId, quantity]) => ({ bookId, quantity: Number(quantity), addedAt: c.addedAt?.[bookId] ?? c.updatedAt }))
    : (c.lines ?? []);
  return { userId: c.userId, lines: inAddedOrder(lines), version: Number(c.version), updatedAt: c.updatedAt };
}

/** The item a refused write found (ReturnValuesOnConditionCheckFailure: ALL_OLD), as a cart. */
function refusedCart(error: unknown, userId: string): Cart {
  const found = (error as { Item?: Parameters<typeof unmarshall>[0] }).Item;
  return found ? cartFromItem(unmarshall(found)) : emptyCart(userId);
}

/** Reads a user's cart consistently; a user who never had one has an empty cart at version 0. */
export async function readCart(client: DocumentClientLike, table: string, userId: string): Promise<Cart> {
  const { Item: item } = await client.send(new GetCommand({ TableName: table, Key: keys.cart(userId), ConsistentRead: true }));
  return item ? cartFromItem(item) : emptyCart(userId);
}

/**
 * The condition that a cart item is still at `version`: version 0 is a cart that was never stored.
 * Shared with checkout, which empties the cart it priced.
 */
export function cartAtVersion(version: number): { ConditionExpression: string; ExpressionAttributeValues?: Record<string, unknown> } {
  return version === 0 ? { ConditionExpression: 'attribute_not_exists(pk)' } : { ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': version } };
}

/**
 * Carts on a DynamoDB table: one item per customer in the customer's partition, replaced whole with a
 * condition on its version (`save`) or changed one line at a time by an UpdateItem. An emptied cart
 * keeps its item with no lines, as a tombstone whose version goes on counting, so a cart filled again
 * never reuses a version a checkout may have priced.
 * The stream shows that as a MODIFY; the change-feed mapping turns "lines became empty" into the
 * `remove` event and "lines were empty" into `insert`, as the embedded outbox writes them.
 */
export class DynamoCarts implements Carts {
  private readonly client: DocumentClientLike;
  private readonly table: string;

  constructor(options: DynamoSystemOfRecordOptions) {
    this.client = options.client;
    this.table = options.tableName;
  }

  async get(userId: string): Promise<Cart> {
    return readCart(this.client, this.table, userId);
  }

  /**
   * One conditional put, no read first: the condition holds only while the cart is still at
   * `expectedVersion` and the lines differ, so the common case is a single round trip. Only a refused
   * put reads the cart, to tell a save that changes nothing from a stale version.
   */
  async save(userId: string, lines: CartLine[], expectedVersion: number): Promise<Cart> {
    const next = inAddedOrder(lines);
    if (expectedVersion === 0 && next.length === 0) return this.unchanged(userId, next, expectedVersion);
    return withRetries('cart save', async () => {
      const cart: Cart = { userId, lines: next, version: expectedVersion + 1, updatedAt: new Date().toISOString() };
      const item = cartItem(cart);
      const condition = cartAtVersion(expectedVersion);
      try {
        await this.client.send(
          new PutCommand({
            TableName: this.table,
            Item: item,
            ...(expectedVersion === 0
              ? condition
              : {
                  ConditionExpression: `${condition.ConditionExpression} AND (attribute_not_exists(#q) OR #q <> :q OR #a <> :a)`,
                  ExpressionAttributeNames: { '#q': 'quantities', '#a': 'addedAt' },
                  ExpressionAttributeValues: { ...condition.ExpressionAttributeValues, ':q': item.quantities, ':a': item.addedAt },
                }),
          }),
        );
        return cart;
      } catch (error) {
        // A checkout's transaction on this cart at the same moment: try again.
        if (isTransactionConflict(error)) return RETRY;
        if (isConditionFailure(error)) return this.unchanged(userId, next, expectedVersion);
        throw error;
      }
    });
  }

  /**
   * One UpdateItem on the line's paths, with no read first: it adds the line (keeping when it was
   * first added) or changes its quantity, and is refused when the cart was never stored, would hold
   * too many books or already has that quantity. Only a refused update looks at the cart it found.
   */
  async setLine(userId: string, bookId: string, quantity: number, at: string): Promise<Cart> {
    return this.updateLine(userId, {
      UpdateExpression: 'SET #q.#b = :q, #a.#b = if_not_exists(#a.#b, :at), version = version + :one, updatedAt = :at',
      ConditionExpression: 'attribute_exists(#q) AND (attribute_exists(#q.#b) OR size(#q) < :max) AND (attribute_not_exists(#q.#b) OR #q.#b <> :q)',
      ExpressionAttributeNames: { '#q': 'quantities', '#a': 'addedAt', '#b': bookId },
      ExpressionAttributeValues: { ':q': quantity, ':at': at, ':one': 1, ':max': CART_LIMITS.linesMax },
      otherwise: (current) => withQuantity(current, bookId, quantity, at),
    });
  }

  async removeLine(userId: string, bookId: string, at: string): Promise<Cart> {
    return this.updateLine(userId, {
      UpdateExpression: 'REMOVE #q.#b, #a.#b SET version = version + :one, updatedAt = :at',
      ConditionExpression: 'attribute_exists(#q.#b)',
      ExpressionAttributeNames: { '#q': 'quantities', '#a': 'addedAt', '#b': bookId },
      ExpressionAttributeValues: { ':one': 1, ':at': at },
      otherwise: (current) => current.lines.filter((l) => l.bookId !== bookId),
    });
  }

  /** Deletes the item, tombstone or not: the stream's remove record is the `cart` remove event when it held lines. */
  async delete(userId: string): Promise<boolean> {
    const { Item: item } = await this.client.send(new GetCommand({ TableName: this.table, Key: keys.cart(userId), ConsistentRead: true }));
    // A one-action transaction: the delete the adapter's slice of the client offers.
    await this.client.send(new TransactWriteCommand({ TransactItems: [{ Delete: { TableName: this.table, Key: keys.cart(userId) } }] }));
    return item !== undefined;
  }

  /**
   * The update, or when its condition refuses it, the same change computed on the cart it found:
   * nothing to do, a domain refusal (`cart-full`), or a cart not stored yet (or stored before lines
   * were maps), which `save` writes whole at the version found.
   */
  private updateLine(
    userId: string,
    update: Pick<ConstructorParameters<typeof UpdateCommand>[0], 'UpdateExpression' | 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'> & {
      otherwise: (current: Cart) => CartLine[];
    },
  ): Promise<Cart> {
    const { otherwise, ...expression } = update;
    return withRetries('cart line', async () => {
      try {
        const out = await this.client.send(
          new UpdateCommand({ TableName: this.table, Key: keys.cart(userId), ...expression, ReturnValues: 'ALL_NEW', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }),
        );
        return cartFromItem(out.Attributes!);
      } catch (error) {
        if (isTransactionConflict(error)) return RETRY;
        if (!isConditionFailure(error)) throw error;
        const current = refusedCart(error, userId);
        const lines = otherwise(current);
        if (sameLines(lines, current.lines)) return current;
        try {
          return await this.save(userId, lines, current.version);
        } catch (raced) {
          if (raced instanceof PreconditionFailedError) return RETRY;
          throw raced;
        }
      }
    });
  }

  /** The stored cart if it is at `expectedVersion` with exactly `lines`; otherwise the stale-version error. */
  private async unchanged(userId: string, lines: CartLine[], expectedVersion: number): Promise<Cart> {
    const current = await this.get(userId);
    if (current.version === expectedVersion && sameLines(current.lines, lines)) return current;
    // Versions only grow, so whatever another writer stored is newer than what the caller expected.
    throw new PreconditionFailedError('cart', userId, current.version);
  }
}
