import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError, NotFoundError } from '../../domain/errors.js';
import { newId } from '../../domain/ids.js';
import { normalizeEmail, type Role, type User } from '../../domain/user.js';
import type { NewUser, Users } from '../../ports/users.js';
import {
  batchGet,
  cancellationCodes,
  credentialsTableName,
  GSI1,
  gsiValues,
  isConditionFailure,
  isTransactionConflict,
  keys,
  orderedKey,
  RETRY,
  withRetries,
  type DocumentClientLike,
  type DynamoSystemOfRecordOptions,
  type Item,
} from './dynamodb-items.js';

export function userItem(user: User): Item {
  const nameKey = user.name.toLowerCase();
  return { ...keys.user(user.id), type: 'user', ...user, nameKey, [`${GSI1}pk`]: gsiValues.allUsers, [`${GSI1}sk`]: orderedKey(nameKey, user.id) };
}

export function userFromItem(item: Item): User {
  const u = item as unknown as User;
  return { id: u.id, email: u.email, name: u.name, role: u.role, createdAt: u.createdAt, version: u.version };
}

/**
 * Users on a DynamoDB table (docs/dynamodb.md): a profile item, an `EMAIL#` item that makes emails
 * unique, written in the same transaction, and the password hash in the separate credentials table,
 * which has no stream, so a hash never reaches a stream record. `search` is an admin tool that reads
 * the single-partition `USERS` index in name order and filters it: its cost grows with the number of
 * users (a large user base belongs in a search engine), and like every GSI read it is eventually
 * consistent on AWS.
 */
export class DynamoUsers implements Users {
  private readonly client: DocumentClientLike;
  private readonly table: string;
  private readonly credentials: string;

  constructor(options: DynamoSystemOfRecordOptions) {
    this.client = options.client;
    this.table = options.tableName;
    this.credentials = credentialsTableName(options.tableName);
  }

  async create(user: NewUser): Promise<User> {
    const email = normalizeEmail(user.email);
    const created: User = { id: newId(), email, name: user.name, role: user.role, createdAt: new Date().toISOString(), version: 1 };
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: this.table, Item: userItem(created), ConditionExpression: 'attribute_not_exists(pk)' } },
            { Put: { TableName: this.table, Item: { ...keys.email(email), type: 'email', userId: created.id }, ConditionExpression: 'attribute_not_exists(pk)' } },
            ...(user.passwordHash === undefined ? [] : [{ Put: { TableName: this.credentials, Item: { ...keys.credentials(created.id), passwordHash: user.passwordHash } } }]),
          ],
        }),
      );
    } catch (error) {
      if (cancellationCodes(error)?.[1] === 'ConditionalCheckFailed') throw new ConflictError('email-taken', 'an account with this email already exists', 'email');
      throw error;
    }
    return created;
  }

  async get(id: string): Promise<User | null> {
    const { Item: item } = await this.client.send(new GetCommand({ TableName: this.table, Key: keys.user(id), ConsistentRead: true }));
    return item ? userFromItem(item) : null;
  }

  async getMany(ids: readonly string[]): Promise<Map<string, User>> {
    const found = new Map<string, User>();
    for (const item of await batchGet(this.client, this.table, [...new Set(ids)].map(keys.user))) {
      const user = userFromItem(item);
      found.set(user.id, user);
    }
    return found;
  }

  async findByEmail(email: string): Promise<User | null> {
    const { Item: pointer } = await this.client.send(new GetCommand({ TableName: this.table, Key: keys.email(normalizeEmail(email)), ConsistentRead: true }));
    return pointer ? this.get(String(pointer.userId)) : null;
  }

  async passwordHash(userId: string): Promise<string | null> {
    const { Item: item } = await this.client.send(new GetCommand({ TableName: this.credentials, Key: keys.credentials(userId), ConsistentRead: true }));
    return item ? String(item.passwordHash) : null;
  }

  async setPasswordHash(userId: string, passwordHash: string): Promise<void> {
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            { ConditionCheck: { TableName: this.table, Key: keys.user(userId), ConditionExpression: 'attribute_exists(pk)' } },
            { Put: { TableName: this.credentials, Item: { ...keys.credentials(userId), passwordHash } } },
          ],
        }),
      );
    } catch (error) {
      if (cancellationCodes(error)?.[0] === 'ConditionalCheckFailed') throw new NotFoundError('user', userId);
      throw error;
    }
  }

  async search(query: string, limit: number): Promise<User[]> {
    const found: User[] = [];
    const needle = query.toLowerCase();
    let start: Item | undefined;
    do {
      // The filter runs after each page is read, so pages continue until `limit` users matched.
      const out = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: GSI1,
          KeyConditionExpression: '#pk = :pk',
          FilterExpression: needle === '' ? undefined : 'contains(nameKey, :needle) OR email = :email',
          ExpressionAttributeNames: { '#pk': `${GSI1}pk` },
          ExpressionAttributeValues: { ':pk': gsiValues.allUsers, ...(needle === '' ? {} : { ':needle': needle, ':email': normalizeEmail(query) }) },
          ExclusiveStartKey: start,
        }),
      );
      found.push(...(out.Items ?? []).map(userFromItem));
      start = out.LastEvaluatedKey;
    } while (start && found.length < limit);
    return found.slice(0, limit);
  }

  /**
   * One TransactWriteItems: the profile (the stream's remove record is the `user` event), the email
   * claim and the credentials item. Read first for the email; a lost race reads again.
   */
  async delete(userId: string): Promise<User | null> {
    return withRetries('user delete', async () => {
      const current = await this.get(userId);
      if (!current) return null;
      try {
        await this.client.send(
          new TransactWriteCommand({
            TransactItems: [
              { Delete: { TableName: this.table, Key: keys.user(userId), ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': current.version } } },
              { Delete: { TableName: this.table, Key: keys.email(current.email), ConditionExpression: 'attribute_not_exists(pk) OR userId = :id', ExpressionAttributeValues: { ':id': userId } } },
              { Delete: { TableName: this.credentials, Key: keys.credentials(userId) } },
            ],
          }),
        );
        return current;
      } catch (error) {
        if (cancellationCodes(error) !== null) return RETRY;
        throw error;
      }
    });
  }

  async setRole(userId: string, role: Role): Promise<User> {
    return withRetries('user role change', async () => {
      const current = await this.get(userId);
      if (!current) throw new NotFoundError('user', userId);
      if (current.role === role) return current;
      const updated: User = { ...current, role, version: current.version + 1 };
      try {
        await this.client.send(
          new UpdateCommand({
            TableName: this.table,
            Key: keys.user(userId),
            UpdateExpression: 'SET #role = :role, version = :next',
            ConditionExpression: 'version = :v',
            ExpressionAttributeNames: { '#role': 'role' },
            ExpressionAttributeValues: { ':role': role, ':next': updated.version, ':v': current.version },
          }),
        );
        return updated;
      } catch (error) {
        if (isConditionFailure(error) || isTransactionConflict(error)) return RETRY;
        throw error;
      }
    });
  }
}
