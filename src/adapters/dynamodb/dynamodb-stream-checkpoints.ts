import type { FeedPositions } from '../../projections/chunked-rebuild.js';
import type { ProjectionName } from '../../projections/projection.js';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DocumentClientLike } from './dynamodb-items.js';
import { isConditionFailure } from './dynamodb-items.js';

/** How far one consumer has read one shard: after `after` (a sequence number), or from the trim horizon. */
export interface ShardPosition {
  after?: string;
  /** The shard is closed and every record in it was delivered. */
  done: boolean;
}

/**
 * Where one consumer stands in a stream: a position per shard. `generation` changes when a rebuild
 * moves the positions, so a poller that read the old positions cannot overwrite the new ones.
 */
export interface StreamCheckpoint {
  generation: number;
  shards: Record<string, ShardPosition>;
  /** Records delivered in this generation (for status; Streams has no global position). */
  applied: number;
  lastError: string | null;
  updatedAt: number;
}

export interface StreamCheckpointStore {
  get(consumer: string): Promise<StreamCheckpoint>;
  /** Stores new shard positions if the generation is still `generation`; false when a rebuild intervened. */
  advance(consumer: string, generation: number, shards: Record<string, ShardPosition>, applied: number): Promise<boolean>;
  /** Starts a new generation at `shards` (after a rebuild or a rewind). */
  reset(consumer: string, shards: Record<string, ShardPosition>): Promise<StreamCheckpoint>;
  recordError(consumer: string, error: string | null): Promise<void>;
}

export function checkpointTableName(tableName: string): string {
  return `${tableName}-checkpoints`;
}

const EMPTY: StreamCheckpoint = { generation: 0, shards: {}, applied: 0, lastError: null, updatedAt: 0 };

/**
 * Stream checkpoints in their own table (`<table>-checkpoints`, hash key `pk` = consumer name, no
 * stream, or every checkpoint write would become a record to deliver). One item per consumer, written
 * with a condition on its generation. On AWS, Lambda's event source mapping keeps its own checkpoints;
 * this table serves the poller that plays its part off AWS.
 */
export class DynamoStreamCheckpoints implements StreamCheckpointStore {
  private readonly table: string;
  constructor(
    private readonly client: DocumentClientLike,
    tableName: string,
    private readonly now: () => number = Date.now,
  ) {
    this.table = checkpointTableName(tableName);
  }

  async get(consumer: string): Promise<StreamCheckpoint> {
    const { Item: item } = await this.client.send(new GetCommand({ TableName: this.table, Key: { pk: consumer }, ConsistentRead: true }));
    if (!item) return { ...EMPTY, shards: {} };
    return {
      generation: item.generation as number,
      shards: item.shards as Record<string, ShardPosition>,
      applied: item.applied as number,
      lastError: (item.lastError as string | undefined) ?? null,
      updatedAt: item.updatedAt as number,
    };
  }

  async advance(consumer: string, generation: number, shards: Record<string, ShardPosition>, applied: number): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: consumer, generation, shards, applied, lastError: null, updatedAt: this.now() },
          ConditionExpression: generation === 0 ? 'attribute_not_exists(pk) OR generation = :g' : 'generation = :g',
          ExpressionAttributeValues: { ':g': generation },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async reset(consumer: string, shards: Record<string, ShardPosition>): Promise<StreamCheckpoint> {
    const out = await this.client.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: consumer },
        UpdateExpression: 'SET shards = :s, applied = :zero, lastError = :null, updatedAt = :now ADD generation :one',
        ExpressionAttributeValues: { ':s': shards, ':zero': 0, ':null': null, ':now': this.now(), ':one': 1 },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const item = out.Attributes!;
    return { generation: item.generation as number, shards, applied: 0, lastError: null, updatedAt: item.updatedAt as number };
  }

  async recordError(consumer: string, error: string | null): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: consumer },
        UpdateExpression: 'SET lastError = :e, updatedAt = :now, shards = if_not_exists(shards, :empty), applied = if_not_exists(applied, :zero), generation = if_not_exists(generation, :zero)',
        ExpressionAttributeValues: { ':e': error === null ? null : error.slice(0, 2000), ':now': this.now(), ':empty': {}, ':zero': 0 },
      }),
    );
  }
}

/**
 * A chunked rebuild's view of the projections' stream checkpoints: a mark is a checkpoint's shard
 * positions, and a replay resets the checkpoint to them under a new generation, as the stream runner's
 * own rebuild does. (With Lambda's event source mapping the positions are the mapping's, and the reset
 * changes nothing there: the staged copy alone keeps the rebuild correct.)
 */
export function streamFeedPositions(consumers: ReadonlyArray<{ projection: { name: ProjectionName }; checkpoints: StreamCheckpointStore }>): FeedPositions {
  const of = (name: ProjectionName): StreamCheckpointStore => {
    const found = consumers.find((c) => c.projection.name === name);
    if (!found) throw new Error(`no stream checkpoints for projection ${name}`);
    return found.checkpoints;
  };
  return {
    async mark(name) {
      return JSON.stringify((await of(name).get(name)).shards);
    },
    async replayFrom(name, mark) {
      await of(name).reset(name, JSON.parse(mark) as Record<string, ShardPosition>);
    },
  };
}
