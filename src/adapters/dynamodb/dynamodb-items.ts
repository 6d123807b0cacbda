import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  type GetCommand,
  type GetCommandOutput,
  type PutCommand,
  type PutCommandOutput,
  QueryCommand,
  type QueryCommandInput,
  type QueryCommandOutput,
  type TransactWriteCommand,
  type TransactWriteCommandOutput,
  type UpdateCommand,
  type UpdateCommandOutput,
} from '@aws-sdk/lib-dynamodb';

/**
 * The slice of `DynamoDBDocumentClient` (from `@aws-sdk/lib-dynamodb`) the system-of-record adapters
 * use. The client must be built with `marshallOptions: { removeUndefinedValues: true }` (optional
 * fields such as an address's `line2` are left out rather than stored), which `documentClient()` in
 * dynamodb-tables.ts does.
 */
export interface DocumentClientLike {
  send(command: GetCommand): Promise<GetCommandOutput>;
  send(command: BatchGetCommand): Promise<BatchGetCommandOutput>;
  send(command: PutCommand): Promise<PutCommandOutput>;
  send(command: UpdateCommand): Promise<UpdateCommandOutput>;
  send(command: QueryCommand): Promise<QueryCommandOutput>;
  send(command: TransactWriteCommand): Promise<TransactWriteCommandOutput>;
}

/** What every system-of-record adapter is given: the client and the base table name. */
export interface DynamoSystemOfRecordOptions {
  client: DocumentClientLike;
  /**
   * The main table (streams on, NEW_AND_OLD_IMAGES). Password hashes live in `<tableName>-credentials`,
   * a table with no stream, so they never travel the change feed (see docs/dynamodb.md).
   */
  tableName: string;
}

export function credentialsTableName(tableName: string): string {
  return `${tableName}-credentials`;
}

/**
 * An item as the document client reads and writes it. Every item has a `type` attribute (`book`,
 * `isbn`, `category`, `user`, `email`, `cart`, `order`, `idempotency`, `friendship`,
 * `friendship-mirror`) by which stream consumers tell entities from bookkeeping (docs/dynamodb.md).
 */
export type Item = Record<string, unknown>;

/** The partition holding one book counter per category (sort key: the category's name). */
export const CATEGORY_COUNTERS = 'CATEGORIES';

/** Primary keys of every item, in one place so the design in docs/dynamodb.md has one source. */
export const keys = {
  book: (id: string) => ({ pk: `BOOK#${id}`, sk: 'BOOK' }),
  isbn: (isbn: string) => ({ pk: `ISBN#${isbn}`, sk: 'ISBN' }),
  category: (name: string) => ({ pk: CATEGORY_COUNTERS, sk: name }),
  user: (id: string) => ({ pk: `USER#${id}`, sk: 'PROFILE' }),
  email: (email: string) => ({ pk: `EMAIL#${email}`, sk: 'EMAIL' }),
  credentials: (userId: string) => ({ pk: `USER#${userId}` }),
  cart: (userId: string) => ({ pk: `USER#${userId}`, sk: 'CART' }),
  order: (userId: string, orderId: string) => ({ pk: `USER#${userId}`, sk: `ORDER#${orderId}` }),
  idempotency: (userId: string, key: string) => ({ pk: `USER#${userId}`, sk: `IDEMP#${key}` }),
  /** The canonical item of a pair lives in the partition of its lower id; the mirror in the other's. */
  friendship: (holder: string, other: string) => ({ pk: `USER#${holder}`, sk: `FRIEND#${other}` }),
  /** The latest chunked rebuild of one projection: bookkeeping with no `type`, so no change event. */
  rebuildJob: (projection: string) => ({ pk: `REBUILD#${projection}`, sk: 'REBUILD' }),
} as const;

/** The two global secondary indexes (overloaded: each item type puts its own values in them). */
export const GSI1 = 'gsi1';
export const GSI2 = 'gsi2';
export const gsiValues = {
  /** Every book, by case-folded title then id. */
  allBooks: 'BOOKS',
  /** The books of one category, same order. */
  category: (name: string) => `CATEGORY#${name}`,
  /** Every user, by case-folded name then id (the admin user search). */
  allUsers: 'USERS',
} as const;

/**
 * A sort key that orders by `folded` then `id` as the embedded adapter does (byte order of UTF-8, as
 * SQLite's BINARY collation). A plain separator would break prefix order ("apple pie" must follow
 * "apple", but "apple#" > "apple "), so the text ends with two NULs, below every character, and a NUL
 * inside the text is escaped as NUL + \u0001, which keeps its place.
 */
export function orderedKey(folded: string, id: string): string {
  return `${folded.replace(/\u0000/g, '\u0000\u0001')}\u0000\u0000${id}`;
}


/** The cancellation codes of a failed TransactWriteItems, one per action in request order, or null for other errors. */
export function cancellationCodes(error: unknown): (string | undefined)[] | null {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return null;
  const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  return reasons.map((r) => (r.Code === 'None' ? undefined : r.Code));
}

export function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/** A single-item write refused because a transaction was writing the same item at that moment. */
export function isTransactionConflict(error: unknown): boolean {
  return error instanceof Error && error.name === 'TransactionConflictException';
}

/** A cancelled transaction that lost a race: a condition on state it read failed, or another transaction held an item. */
export function lostRace(codes: readonly (string | undefined)[] | null): boolean {
  return codes?.some((c) => c === 'ConditionalCheckFailed' || c === 'TransactionConflict') ?? false;
}

/** What an optimistic attempt answers when another writer got in first and it must run again. */
export const RETRY = Symbol('retry');

/**
 * Runs an optimistic read-modify-write until it commits: `attempt` reads, decides and writes with a
 * condition, and answers `retry` when another writer got in between (a failed condition on state it
 * read, or a transaction conflict). Bounded, so a livelock surfaces as an error instead of a hang.
 */
export async function withRetries<T>(what: string, attempt: () => Promise<T | typeof RETRY>): Promise<T> {
  for (let i = 0; i < 20; i++) {
    const result = await attempt();
    if (result !== RETRY) return result;
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * (i + 1)));
  }
  throw new Error(`${what}: gave up after 20 attempts under contention`);
}

/** Reads items by key, 100 per request, retrying what DynamoDB leaves unprocessed. */
/**
 * Up to `limit + 1` items of a query, starting after `start`: the extra item tells the caller that
 * another page follows. DynamoDB may stop a page early (1 MB, filters), so this keeps querying.
 */
export async function queryPageAhead(
  client: DocumentClientLike,
  input: Omit<QueryCommandInput, 'Limit' | 'ExclusiveStartKey'>,
  start: Item | undefined,
  limit: number,
): Promise<Item[]> {
  const items: Item[] = [];
  let next = start;
  do {
    const out = await client.send(new QueryCommand({ ...input, ExclusiveStartKey: next, Limit: limit + 1 - items.length }));
    items.push(...(out.Items ?? []));
    next = out.LastEvaluatedKey;
  } while (next && items.length <= limit);
  return items;
}

/**
 * Strongly consistent reads of the items of `keyList`, 100 keys per BatchGetItem (its limit), retrying
 * the keys DynamoDB leaves unprocessed. `attributes` reads only those (a ProjectionExpression): less to
 * send and unmarshal, though DynamoDB bills the read by the whole item's size.
 */
export async function batchGet(client: DocumentClientLike, tableName: string, keyList: readonly Item[], attributes?: readonly string[]): Promise<Item[]> {
  const projection =
    attributes === undefined
      ? {}
      : {
          ProjectionExpression: attributes.map((_, i) => `#a${i}`).join(', '),
          ExpressionAttributeNames: Object.fromEntries(attributes.map((name, i) => [`#a${i}`, name])),
        };
  const found: Item[] = [];
  for (let i = 0; i < keyList.length; i += 100) {
    let pending: Item[] | undefined = keyList.slice(i, i + 100);
    for (let round = 0; pending && pending.length > 0; round++) {
      if (round > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 20 * 2 ** round)));
      const out: BatchGetCommandOutput = await client.send(
        new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending, ConsistentRead: true, ...projection } } }),
      );
      found.push(...(out.Responses?.[tableName] ?? []));
      pending = out.UnprocessedKeys?.[tableName]?.Keys;
    }
  }
  return found;
}

