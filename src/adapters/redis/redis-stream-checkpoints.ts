import type { ShardPosition, StreamCheckpoint, StreamCheckpointStore } from '../dynamodb/dynamodb-stream-checkpoints.js';

/** The slice of an ioredis client the checkpoints use. */
export interface RedisCheckpointClient {
  get(key: string): Promise<string | null>;
  eval(script: string, numkeys: number, ...args: Array<string | number>): Promise<unknown>;
}

/** Stores ARGV[2] if the stored generation (absent: 0) is ARGV[1]. */
const ADVANCE = `
local current = redis.call('GET', KEYS[1])
local generation = 0
if current then generation = cjson.decode(current).generation end
if generation ~= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
return 1
`;

/** Stores ARGV[1] under the next generation; returns that generation. */
const RESET = `
local current = redis.call('GET', KEYS[1])
local generation = 0
if current then generation = cjson.decode(current).generation end
local next = cjson.decode(ARGV[1])
next.generation = generation + 1
redis.call('SET', KEYS[1], cjson.encode(next))
return next.generation
`;

/** Sets lastError (ARGV[1], '' for none) and updatedAt (ARGV[2]) of a stored checkpoint, if there is one. */
const RECORD_ERROR = `
local current = redis.call('GET', KEYS[1])
if not current then return 0 end
local checkpoint = cjson.decode(current)
if ARGV[1] == '' then checkpoint.lastError = cjson.null else checkpoint.lastError = ARGV[1] end
checkpoint.updatedAt = tonumber(ARGV[2])
redis.call('SET', KEYS[1], cjson.encode(checkpoint))
return 1
`;

/**
 * Stream checkpoints kept in Redis beside the bestseller board they describe, so the two are lost
 * together: a Redis that restarts empty (a cache loss) has no checkpoint, and the runner rebuilds the
 * board from the system of record instead of carrying on as if the counts were still there.
 *
 * A consumer's checkpoint is `<keyPrefix>:{<keyPrefix>:<consumer>}:checkpoint`. On a Redis Cluster the
 * hash tag puts it in the slot of the store that tags its keys the same way, the bestseller board
 * (`{<keyPrefix>:bestsellers}`), so one shard restarting empty still loses both together. The book
 * cache spreads over every slot and has no such partner; its entries expire and are refilled by reads.
 */
export class RedisStreamCheckpoints implements StreamCheckpointStore {
  constructor(
    private readonly client: RedisCheckpointClient,
    private readonly keyPrefix: string,
    private readonly now: () => number = Date.now,
  ) {}

  private key(consumer: string): string {
    return `${this.keyPrefix}:{${this.keyPrefix}:${consumer}}:checkpoint`;
  }

  async get(consumer: string): Promise<StreamCheckpoint> {
    const stored = await this.client.get(this.key(consumer));
    if (!stored) return { generation: 0, shards: {}, applied: 0, lastError: null, updatedAt: 0 };
    const parsed = JSON.parse(stored) as StreamCheckpoint;
    // Lua's cjson writes an empty table as [].
    return { ...parsed, shards: Array.isArray(parsed.shards) ? {} : parsed.shards, lastError: parsed.lastError ?? null };
  }

  async advance(consumer: string, generation: number, shards: Record<string, ShardPosition>, applied: number): Promise<boolean> {
    const next: StreamCheckpoint = { generation, shards, applied, lastError: null, updatedAt: this.now() };
    return (await this.client.eval(ADVANCE, 1, this.key(consumer), generation, JSON.stringify(next))) === 1;
  }

  async reset(consumer: string, shards: Record<string, ShardPosition>): Promise<StreamCheckpoint> {
    const next = { shards, applied: 0, lastError: null, updatedAt: this.now() };
    const generation = Number(await this.client.eval(RESET, 1, this.key(consumer), JSON.stringify(next)));
    return { ...next, generation };
  }

  async recordError(consumer: string, error: string | null): Promise<void> {
    await this.client.eval(RECORD_ERROR, 1, this.key(consumer), error === null ? '' : error.slice(0, 2000), this.now());
  }
}
