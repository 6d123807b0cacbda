import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { PreconditionFailedError } from '../../domain/errors.js';
import { friendshipKey, friendshipPair, type Friendship } from '../../domain/friendship.js';
import type { Friendships } from '../../ports/friendships.js';
import {
  cancellationCodes,
  keys,
  lostRace,
  RETRY,
  withRetries,
  type DocumentClientLike,
  type DynamoSystemOfRecordOptions,
  type Item,
} from './dynamodb-items.js';

/** Only the fields of a friendship, in a fixed order, so stored records compare by their JSON. */
function friendshipOf(f: Friendship): Friendship {
  return {
    userA: f.userA,
    userB: f.userB,
    requestedBy: f.requestedBy,
    status: f.status,
    createdAt: f.createdAt,
    acceptedAt: f.acceptedAt,
    version: f.version,
  };
}

export function friendshipFromItem(item: Item): Friendship {
  return friendshipOf(item as unknown as Friendship);
}

/**
 * Friendships on a DynamoDB table, one canonical item per pair in the partition of its lower user id
 * (`USER#<a>`, `FRIEND#<b>`, type `friendship`: the one that carries change events) and a mirror copy
 * in the other user's partition (`USER#<b>`, `FRIEND#<a>`, type `friendship-mirror`), written in the
 * same transaction, so `listFor` is one strongly consistent query of the user's own partition.
 */
export class DynamoFriendships implements Friendships {
  private readonly client: DocumentClientLike;
  private readonly table: string;

  constructor(options: DynamoSystemOfRecordOptions) {
    this.client = options.client;
    this.table = options.tableName;
  }

  async get(x: string, y: string): Promise<Friendship | null> {
    const [a, b] = friendshipPair(x, y);
    const { Item: item } = await this.client.send(new GetCommand({ TableName: this.table, Key: keys.friendship(a, b), ConsistentRead: true }));
    return item ? friendshipFromItem(item) : null;
  }

  async save(friendship: Friendship, expectedVersion: number): Promise<void> {
    const [a, b] = friendshipPair(friendship.userA, friendship.userB);
    const key = friendshipKey(a, b);
    const next = friendshipOf(friendship);
    await withRetries('friendship save', async () => {
      const current = await this.get(a, b);
      const currentVersion = current?.version ?? 0;
      if (currentVersion !== expectedVersion) throw new PreconditionFailedError('friendship', key, currentVersion);
      if (current && JSON.stringify(current) === JSON.stringify(next)) return undefined;
      try {
        await this.client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: this.table,
                  Item: { ...keys.friendship(a, b), type: 'friendship', ...next },
                  ...(expectedVersion === 0
                    ? { ConditionExpression: 'attribute_not_exists(pk)' }
                    : { ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': expectedVersion } }),
                },
              },
              { Put: { TableName: this.table, Item: { ...keys.friendship(b, a), type: 'friendship-mirror', ...next } } },
            ],
          }),
        );
        return undefined;
      } catch (error) {
        // Whatever beat us (a changed version, or a transaction in flight on the pair) is decided again.
        if (lostRace(cancellationCodes(error))) return RETRY;
        throw error;
      }
    });
  }

  async remove(x: string, y: string): Promise<boolean> {
    const [a, b] = friendshipPair(x, y);
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            { Delete: { TableName: this.table, Key: keys.friendship(a, b), ConditionExpression: 'attribute_exists(pk)' } },
            { Delete: { TableName: this.table, Key: keys.friendship(b, a) } },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (cancellationCodes(error)?.[0] === 'ConditionalCheckFailed') return false;
      throw error;
    }
  }

  async listFor(userId: string): Promise<Friendship[]> {
    const found: Friendship[] = [];
    let start: Item | undefined;
    do {
      const out = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :friends)',
          ExpressionAttributeValues: { ':pk': keys.friendship(userId, '').pk, ':friends': keys.friendship(userId, '').sk },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      found.push(...(out.Items ?? []).map(friendshipFromItem));
      start = out.LastEvaluatedKey;
    } while (start);
    return found;
  }
}
