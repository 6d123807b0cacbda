import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { emptyCart, type Cart, type CartLine } from '../../domain/cart.js';
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

/** Only the fields of a line, in a fixed order, so stored lines compare by their JSON. */
function linesOf(lines: readonly CartLine[]): CartLine[] {
  return lines.map((l) => ({ bookId: l.bookId, quantity: l.quantity, addedAt: l.addedAt }));
}

export function cartItem(cart: Cart): Item {
  return { ...keys.cart(cart.userId), type: 'cart', ...cart, lines: linesOf(cart.lines) };
}

export function cartFromItem(item: Item): Cart {
  const c = item as unknown as Cart;
  return { userId: c.userId, lines: linesOf(c.lines), version: c.version, updatedAt: c.updatedAt };
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
 * Carts on a DynamoDB table: one item per customer in the customer's partition, replaced with a
 * condition on its version. An emptied cart keeps its item with no lines, as a tombstone whose
 * version goes on counting, so a cart filled again never reuses a version a checkout may have priced.
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
    const next = linesOf(lines);
    if (expectedVersion === 0 && next.length === 0) return this.unchanged(userId, next, expectedVersion);
    return withRetries('cart save', async () => {
      const cart: Cart = { userId, lines: next, version: expectedVersion + 1, updatedAt: new Date().toISOString() };
      const condition = cartAtVersion(expectedVersion);
      try {
        await this.client.send(
          new PutCommand({
            TableName: this.table,
            Item: cartItem(cart),
            ...(expectedVersion === 0
              ? condition
              : {
                  ConditionExpression: `${condition.ConditionExpression} AND #lines <> :lines`,
                  ExpressionAttributeNames: { '#lines': 'lines' },
                  ExpressionAttributeValues: { ...condition.ExpressionAttributeValues, ':lines': next },
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

  /** The stored cart if it is at `expectedVersion` with exactly `lines`; otherwise the stale-version error. */
  private async unchanged(userId: string, lines: CartLine[], expectedVersion: number): Promise<Cart> {
    const current = await this.get(userId);
    if (current.version === expectedVersion && JSON.stringify(current.lines) === JSON.stringify(lines)) return current;
    // Versions only grow, so whatever another writer stored is newer than what the caller expected.
    throw new PreconditionFailedError('cart', userId, current.version);
  }
}
