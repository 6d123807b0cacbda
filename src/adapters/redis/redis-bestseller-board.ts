import { compareBestsellers, HOUR_MS, hourBucket, WINDOW_HOURS, type BestsellerEntry } from '../../domain/bestsellers.js';
import { keysByPrefix, unlinkByPrefix, type RedisScanClient } from './redis-scan.js';
import { RedisScript, type RedisScriptClient } from './redis-script.js';
import type { BestsellerBoard, BestsellerQuery, Sale } from '../../ports/bestseller-board.js';

/** The slice of an ioredis `Redis` or `Cluster` client the board uses. */
export interface RedisBestsellerClient extends RedisScriptClient, RedisScanClient {
  incr(key: string): Promise<number>;
}

export interface RedisBestsellerBoardOptions {
  /**
   * Owned by the caller: the board never connects, quits or disconnects it, so one client can serve
   * several adapters. It must not use ioredis's own `keyPrefix` option (the scripts build key names
   * themselves, and SCAN patterns are not prefixed by ioredis).
   */
  client: RedisBestsellerClient;
  /**
   * Every key of this board starts with `<keyPrefix>:{<keyPrefix>:bestsellers}:` (one hash slot per
   * board, see the key layout below), so boards with different prefixes never meet.
   */
  keyPrefix: string;
}

/**
 * An order id is remembered this long after it was recorded. Redeliveries come from the change feed,
 * which keeps events 24 hours; 8 days is that with a wide margin, and outlasts the 7-day window the
 * order counts in.
 */
const ORDER_MEMORY_MS = 8 * 24 * HOUR_MS;
/** Hour buckets serve the 7-day window; one extra day answers windows ending a little in the past. */
const BUCKET_KEPT_MS = (WINDOW_HOURS['7d'] + 24) * HOUR_MS;
/** A summed window is a temp key reused for this long, unless a sale is recorded meanwhile. */
const WINDOW_CACHE_MS = 5_000;
const REBUILD_CONCURRENCY = 256;

/**
 * Keys, under `<keyPrefix>:{<keyPrefix>:bestsellers}:` (G is the generation, `scope` is `overall` or
 * `category:<name>`):
 *   generation                  the live generation (absent: 0); switched by a rebuild
 *   generations                 counter that hands out new generations
 *   g<G>:order:<orderId>        dedupe marker, expires ORDER_MEMORY_MS after recording
 *   g<G>:all:<scope>            sorted set book -> all-time units
 *   g<G>:hour:<hour>:<scope>    sorted set book -> units sold in that UTC hour bucket, expires
 *   g<G>:rev                    bumped by every counted sale, so cached windows go stale at once
 *   g<G>:window:<hours>:<last>:<rev>:<scope>   a summed rolling window, a short-lived temp key
 *
 * The braces are a Redis Cluster hash tag: only `<keyPrefix>:bestsellers` is hashed, so every key of
 * one board sits in one hash slot. That is what lets a script read the generation pointer and then
 * write the keys of that generation (names it cannot declare up front, as they depend on what it read)
 * and ZUNIONSTORE hour buckets into a window on a cluster (ElastiCache Serverless, or cluster mode
 * enabled): Redis allows a script undeclared keys only in the slot of its declared ones. The price is
 * that one board lives on one shard; a sale is a handful of commands and a query one cached union, far
 * below what one shard serves, while the book cache, the hot read path, spreads a slot per book. The
 * board's stream checkpoint (`<keyPrefix>:{<keyPrefix>:bestsellers}:checkpoint`, see
 * RedisStreamCheckpoints) shares the slot, so a shard that restarts empty loses both together.
 */
/**
 * Applies one sale exactly once. ARGV: key base, generation ('' = the live one), order id, dedupe
 * TTL ms, hour bucket, bucket expiry (epoch ms, 0 = too old for any bucket), then book, category,
 * quantity for each line.
 */
const RECORD = `
local gen = ARGV[2]
if gen == '' then gen = redis.call('GET', KEYS[1]) or '0' end
local base = ARGV[1] .. 'g' .. gen .. ':'
if not redis.call('SET', base .. 'order:' .. ARGV[3], '1', 'NX', 'PX', ARGV[4]) then return 0 end
local expireAt = tonumber(ARGV[6])
for i = 7, #ARGV, 3 do
  for _, scope in ipairs({'overall', 'category:' .. ARGV[i + 1]}) do
    redis.call('ZINCRBY', base .. 'all:' .. scope, ARGV[i + 2], ARGV[i])
    if expireAt > 0 then
      local bucket = base .. 'hour:' .. ARGV[5] .. ':' .. scope
      redis.call('ZINCRBY', bucket, ARGV[i + 2], ARGV[i])
      redis.call('PEXPIREAT', bucket, expireAt)
    end
  end
end
redis.call('INCR', base .. 'rev')
return 1
`;

/**
 * The best `limit` books of the live generation, as a flat member/score list that holds every book
 * ranked above the limit-th one's units plus the smallest ids among the books tied with it:
 * ZREVRANGE orders ties by descending id, the opposite of compareBestsellers, so the tied group at
 * the cut is re-read in ascending order (ZRANGEBYSCORE) and the caller sorts the result.
 * ARGV: key base, scope, limit, window hours (0 = all time), window's last hour, cache ms.
 */
const TOP = `
local base = ARGV[1] .. 'g' .. (redis.call('GET', KEYS[1]) or '0') .. ':'
local scope = ARGV[2]
local limit = tonumber(ARGV[3])
local hours = tonumber(ARGV[4])
local key = base .. 'all:' .. scope
if hours > 0 then
  local last = tonumber(ARGV[5])
  local rev = redis.call('GET', base .. 'rev') or '0'
  key = base .. 'window:' .. hours .. ':' .. last .. ':' .. rev .. ':' .. scope
  if redis.call('EXISTS', key) == 0 then
    local buckets = {}
    for hour = last - hours + 1, last do buckets[#buckets + 1] = base .. 'hour:' .. hour .. ':' .. scope end
    if redis.call('ZUNIONSTORE', key, #buckets, unpack(buckets)) > 0 then redis.call('PEXPIRE', key, ARGV[6]) end
  end
end
local head = redis.call('ZREVRANGE', key, 0, limit - 1, 'WITHSCORES')
if #head < 2 * limit then return head end
local cut = head[#head]
local result = {}
for i = 1, #head, 2 do
  if tonumber(head[i + 1]) > tonumber(cut) then
    result[#result + 1] = head[i]
    result[#result + 1] = head[i + 1]
  end
end
local tied = redis.call('ZRANGEBYSCORE', key, cut, cut, 'WITHSCORES', 'LIMIT', 0, limit - #result / 2)
for i = 1, #tied do result[#result + 1] = tied[i] end
return result
`;

/**
 * Replaces one book's counts in the live generation: removes it from the given sorted sets (those of
 * another generation are skipped), then adds its lines without claiming order ids. ARGV: key base,
 * book id, number of keys n, n keys, then hour bucket, bucket expiry (0 = none), category, quantity
 * for each line.
 */
const RECOUNT = `
local base = ARGV[1] .. 'g' .. (redis.call('GET', KEYS[1]) or '0') .. ':'
local book = ARGV[2]
local n = tonumber(ARGV[3])
for i = 4, 3 + n do
  if string.sub(ARGV[i], 1, #base) == base then redis.call('ZREM', ARGV[i], book) end
end
for i = 4 + n, #ARGV, 4 do
  for _, scope in ipairs({'overall', 'category:' .. ARGV[i + 2]}) do
    redis.call('ZINCRBY', base .. 'all:' .. scope, ARGV[i + 3], book)
    local expireAt = tonumber(ARGV[i + 1])
    if expireAt > 0 then
      local bucket = base .. 'hour:' .. ARGV[i] .. ':' .. scope
      redis.call('ZINCRBY', bucket, ARGV[i + 3], book)
      redis.call('PEXPIREAT', bucket, expireAt)
    end
  end
end
redis.call('INCR', base .. 'rev')
return 1
`;

/**
 * Takes a cancelled sale off exactly once. ARGV as RECORD. The cancellation claims its own marker;
 * a sale with no marker of its own was never counted (or was counted so long ago that its marker
 * expired, see the class comment) and is claimed instead, so it never counts afterwards.
 */
const CANCEL = `
local gen = ARGV[2]
if gen == '' then gen = redis.call('GET', KEYS[1]) or '0' end
local base = ARGV[1] .. 'g' .. gen .. ':'
if not redis.call('SET', base .. 'cancel:' .. ARGV[3], '1', 'NX', 'PX', ARGV[4]) then return 0 end
if redis.call('SET', base .. 'order:' .. ARGV[3], '1', 'NX', 'PX', ARGV[4]) then return 1 end
for i = 7, #ARGV, 3 do
  for _, scope in ipairs({'overall', 'category:' .. ARGV[i + 1]}) do
    for _, key in ipairs({base .. 'all:' .. scope, base .. 'hour:' .. ARGV[5] .. ':' .. scope}) do
      if redis.call('ZSCORE', key, ARGV[i]) then
        if tonumber(redis.call('ZINCRBY', key, -tonumber(ARGV[i + 2]), ARGV[i])) <= 0 then redis.call('ZREM', key, ARGV[i]) end
      end
    end
  end
end
redis.call('INCR', base .. 'rev')
return 1
`;

/** Makes `generation` live; returns the generation it replaced. */
const SWITCH = `
local old = redis.call('GET', KEYS[1]) or '0'
redis.call('SET', KEYS[1], ARGV[1])
return old
`;

const scripts = { record: new RedisScript(RECORD), cancel: new RedisScript(CANCEL), top: new RedisScript(TOP), switch: new RedisScript(SWITCH), recount: new RedisScript(RECOUNT) };

/** A limit above any board's size that Lua still prints as an integer (it formats numbers with %.14g). */
const NO_LIMIT = 1_000_000_000;

const scopeOf = (category: string | undefined) => (category === undefined ? 'overall' : `category:${category}`);

/**
 * The bestseller board on Redis: a sorted set per scope (overall, each category) all-time and per
 * UTC hour bucket, written by one Lua script per sale that claims the order id (SET NX) and only then
 * adds its units. Rolling windows are ZUNIONSTOREs of the 24 or 168 hour buckets ending at the
 * query's hour, into a temp key reused for a few seconds until the next sale. A rebuild writes a new
 * generation of keys, switches the generation pointer (one SET, so readers move from the complete
 * old board to the complete new one), then deletes the old generation with SCAN (of every master, on a cluster) + UNLINK in
 * the background.
 *
 * What it does not do:
 * - Take a cancellation off the all-time counts when it comes more than 8 days after the sale was
 *   recorded (its marker has expired, so it cannot tell a forgotten sale from one never counted):
 *   the next rebuild, which leaves cancelled orders out, corrects it.
 * - Remember order ids forever: an id recorded again more than 8 days later counts again (the change
 *   feed redelivers within 24 hours). Every order id, including those a rebuild loads, costs a key for 8 days.
 * - Keep hour buckets past 8 days after their hour: rolling windows ending more than a day in the past
 *   lose their oldest hours (sales of such hours still count all-time).
 * - Survive a Redis restart without persistence: the board comes back empty, and the runner's
 *   rebuild (from the system of record) is what restores it.
 * - Clean up after a rebuild whose process died mid-load: that generation's all-time sets stay until
 *   deleted by hand (its hour buckets and order ids expire).
 * - Spread one board over several shards of a cluster: its keys share one hash slot (see the key layout).
 * - Declare every key its scripts touch: they declare the generation pointer and reach the rest by name.
 *   Redis and Valkey allow undeclared keys of the declared key's slot (tested on a Redis 7.0 cluster),
 *   and ElastiCache Serverless is reported to refuse only other slots' keys, but Redis's documentation
 *   advises against it and strict servers (Dragonfly by default) refuse it. Not verified on AWS itself.
 * - Order ties exactly like JavaScript for book ids outside the Basic Multilingual Plane: Redis
 *   compares bytes (UTF-8), compareBestsellers UTF-16 code units; they agree on every other string.
 */
export class RedisBestsellerBoard implements BestsellerBoard {
  private readonly client: RedisBestsellerClient;
  private readonly base: string;
  private readonly pointer: string;
  private readonly cleanups = new Set<Promise<void>>();

  constructor(options: RedisBestsellerBoardOptions) {
    this.client = options.client;
    this.base = `${options.keyPrefix}:{${options.keyPrefix}:bestsellers}:`;
    this.pointer = `${this.base}generation`;
  }

  async record(sale: Sale): Promise<boolean> {
    return this.recordInto('', sale);
  }

  async top(query: BestsellerQuery): Promise<BestsellerEntry[]> {
    const limit = Math.floor(query.limit);
    if (limit <= 0) return [];
    const hours = query.window === 'all' ? 0 : WINDOW_HOURS[query.window];
    const flat = (await this.run(
      scripts.top,
      [this.pointer],
      [this.base, scopeOf(query.category), limit, hours, hourBucket(query.now), WINDOW_CACHE_MS],
    )) as string[];
    const entries: BestsellerEntry[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) entries.push({ bookId: flat[i]!, units: Number(flat[i + 1]) });
    return entries.sort(compareBestsellers).slice(0, limit);
  }

  async tally(query: Omit<BestsellerQuery, 'limit'>): Promise<BestsellerEntry[]> {
    return this.top({ ...query, limit: NO_LIMIT });
  }

  /** The sorted sets to clear are found with SCAN; the clearing and the recount are one script. */
  async recount(bookId: string, sales: readonly Sale[]): Promise<void> {
    const keys = (await keysByPrefix(this.client, `${this.base}g`)).filter((key) => /^g\d+:(all|hour):/.test(key.slice(this.base.length)));
    const args: Array<string | number> = [this.base, bookId, keys.length, ...keys];
    for (const sale of sales) {
      const hour = hourBucket(sale.at);
      const expireAt = (hour + 1) * HOUR_MS + BUCKET_KEPT_MS;
      for (const line of sale.lines) {
        if (line.bookId === bookId) args.push(hour, expireAt > Date.now() ? expireAt : 0, line.category, line.quantity);
      }
    }
    await this.run(scripts.recount, [this.pointer], args);
  }

  async rebuild(load: (write: (sales: readonly Sale[]) => Promise<void>) => Promise<void>): Promise<void> {
    const generation = String(await this.client.incr(`${this.base}generations`));
    try {
      await load(async (sales) => {
        for (let i = 0; i < sales.length; i += REBUILD_CONCURRENCY) {
          // Settled, not Promise.all: no write may land after a failed load's generation is deleted.
          const results = await Promise.allSettled(sales.slice(i, i + REBUILD_CONCURRENCY).map((sale) => this.recordInto(generation, sale)));
          const failure = results.find((r) => r.status === 'rejected');
          if (failure) throw failure.reason;
        }
      });
    } catch (error) {
      this.dropInBackground(generation);
      throw error;
    }
    const replaced = (await this.run(scripts.switch, [this.pointer], [generation])) as string;
    this.dropInBackground(replaced);
  }

  /** Waits for background deletions of replaced generations; the client stays open (the caller owns it). */
  async close(): Promise<void> {
    await Promise.allSettled([...this.cleanups]);
  }

  async cancel(sale: Sale): Promise<boolean> {
    return this.recordInto('', sale, scripts.cancel);
  }

  private recordInto(generation: string, sale: Sale, script: RedisScript = scripts.record): Promise<boolean> {
    const hour = hourBucket(sale.at);
    const expireAt = (hour + 1) * HOUR_MS + BUCKET_KEPT_MS;
    const args: Array<string | number> = [
      this.base,
      generation,
      sale.orderId,
      ORDER_MEMORY_MS,
      hour,
      expireAt > Date.now() ? expireAt : 0,
    ];
    for (const line of sale.lines) args.push(line.bookId, line.category, line.quantity);
    return this.run(script, [this.pointer], args).then((counted) => counted === 1);
  }

  private dropInBackground(generation: string): void {
    const cleanup = this.drop(generation).catch(() => {
      // Best effort: a generation left behind only costs memory (see the class comment).
    });
    this.cleanups.add(cleanup);
    void cleanup.finally(() => this.cleanups.delete(cleanup));
  }

  private drop(generation: string): Promise<void> {
    return unlinkByPrefix(this.client, `${this.base}g${generation}:`);
  }

  private run(script: RedisScript, keys: string[], args: Array<string | number>): Promise<unknown> {
    return script.run(this.client, keys, args);
  }
}
