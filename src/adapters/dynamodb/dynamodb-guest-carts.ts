import { DeleteCommand, GetCommand, PutCommand, type DeleteCommandOutput, type GetCommandOutput, type PutCommandOutput } from '@aws-sdk/lib-dynamodb';
import { inAddedOrder, sameLines, withQuantity, type CartLine } from '../../domain/cart.js';
import { ConflictError } from '../../domain/errors.js';
import { isExpired, type GuestCart } from '../../domain/guest-cart.js';
import type { GuestCarts } from '../../ports/guest-carts.js';
import { isConditionFailure, isTransactionConflict, RETRY, withRetries, type Item } from './dynamodb-items.js';

/** The slice of `DynamoDBDocumentClient` guest carts use. */
export interface GuestCartsClient {
  send(command: GetCommand): Promise<GetCommandOutput>;
  send(command: PutCommand): Promise<PutCommandOutput>;
  send(command: DeleteCommand): Promise<DeleteCommandOutput>;
}

export interface DynamoGuestCartsOptions {
  client: GuestCartsClient;
  /** The main table; its time-to-live attribute is `ttl` (dynamodb-tables.ts, infra/lib/stores/tables.ts). */
  tableName: string;
}

/** Where a guest cart lives: a partition of its own, so it never shares one with a customer's items. */
export const guestCartKey = (id: string) => ({ pk: `GUEST#${id}`, sk: 'CART' });

/** The attribute DynamoDB's time to live reads: epoch seconds. */
export const TTL_ATTRIBUTE = 'ttl';

function toItem(cart: GuestCart): Item {
  const quantities: Record<string, number> = {};
  const addedAt: Record<string, string> = {};
  for (const l of cart.lines) {
    quantities[l.bookId] = l.quantity;
    addedAt[l.bookId] = l.addedAt;
  }
  return {
    ...guestCartKey(cart.id),
    type: 'guest-cart',
    id: cart.id,
    version: cart.version,
    updatedAt: cart.updatedAt,
    expiresAt: cart.expiresAt,
    [TTL_ATTRIBUTE]: Math.ceil(Date.parse(cart.expiresAt) / 1000),
    quantities,
    addedAt,
  };
}

function fromItem(item: Item): GuestCart {
  const quantities = (item.quantities ?? {}) as Record<string, number>;
  const addedAt = (item.addedAt ?? {}) as Record<string, string>;
  const lines = Object.entries(quantities).map(([bookId, quantity]) => ({ bookId, quantity: Number(quantity), addedAt: addedAt[bookId] ?? String(item.updatedAt) }));
  return { id: String(item.id), lines: inAddedOrder(lines), version: Number(item.version), updatedAt: String(item.updatedAt), expiresAt: String(item.expiresAt) };
}

/**
 * Guest carts on the main table, one item each under `GUEST#<id>` (docs/dynamodb.md). DynamoDB's
 * time to live deletes expired items, but only within a day or two of `ttl`, so every read also
 * checks `expiresAt` and every write is conditioned on it. A change is a read then a put conditioned
 * on the version read (a guest's own clicks are the only contention). The stream carries these items
 * but the change-feed mapping ignores their type, as it ignores ISBN claims.
 */
export class DynamoGuestCarts implements GuestCarts {
  private readonly client: GuestCartsClient;
  private readonly table: string;

  constructor(options: DynamoGuestCartsOptions) {
    this.client = options.client;
    this.table = options.tableName;
  }

  async create(id: string, at: string, expiresAt: string): Promise<GuestCart> {
    const cart: GuestCart = { id, lines: [], version: 1, updatedAt: at, expiresAt };
    try {
      await this.client.send(new PutCommand({ TableName: this.table, Item: toItem(cart), ConditionExpression: 'attribute_not_exists(pk)' }));
    } catch (error) {
      if (isConditionFailure(error)) throw new ConflictError('guest-cart-exists', 'a guest cart with this token exists already');
      throw error;
    }
    return cart;
  }

  async get(id: string, now: string): Promise<GuestCart | null> {
    const { Item: item } = await this.client.send(new GetCommand({ TableName: this.table, Key: guestCartKey(id), ConsistentRead: true }));
    if (!item) return null;
    const cart = fromItem(item);
    return isExpired(cart, now) ? null : cart;
  }

  async setLine(id: string, bookId: string, quantity: number, at: string, expiresAt: string): Promise<GuestCart | null> {
    return this.change(id, at, expiresAt, (current) => withQuantity({ userId: id, ...current }, bookId, quantity, at));
  }

  async removeLine(id: string, bookId: string, at: string, expiresAt: string): Promise<GuestCart | null> {
    return this.change(id, at, expiresAt, (current) => current.lines.filter((l) => l.bookId !== bookId));
  }

  async take(id: string, now: string): Promise<GuestCart | null> {
    try {
      const out = await this.client.send(
        new DeleteCommand({
          TableName: this.table,
          Key: guestCartKey(id),
          ConditionExpression: 'attribute_exists(pk) AND expiresAt > :now',
          ExpressionAttributeValues: { ':now': now },
          ReturnValues: 'ALL_OLD',
        }),
      );
      return out.Attributes ? fromItem(out.Attributes) : null;
    } catch (error) {
      if (isConditionFailure(error)) return null;
      throw error;
    }
  }

  async restore(cart: GuestCart): Promise<void> {
    try {
      await this.client.send(new PutCommand({ TableName: this.table, Item: toItem(cart), ConditionExpression: 'attribute_not_exists(pk)' }));
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  private change(id: string, at: string, expiresAt: string, next: (current: GuestCart) => CartLine[]): Promise<GuestCart | null> {
    return withRetries('guest cart change', async () => {
      const current = await this.get(id, at);
      if (!current) return null;
      const lines = inAddedOrder(next(current));
      const changed = !sameLines(lines, current.lines);
      const cart: GuestCart = { id, lines, version: current.version + 1, updatedAt: changed ? at : current.updatedAt, expiresAt };
      try {
        await this.client.send(
          new PutCommand({
            TableName: this.table,
            Item: toItem(cart),
            ConditionExpression: 'version = :read AND expiresAt > :at',
            ExpressionAttributeValues: { ':read': current.version, ':at': at },
          }),
        );
        return cart;
      } catch (error) {
        if (isConditionFailure(error) || isTransactionConflict(error)) return RETRY;
        throw error;
      }
    });
  }
}
