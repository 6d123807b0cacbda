import type { Book } from '../../domain/book.js';
import type { BookCache } from '../../ports/book-cache.js';
import { unlinkByPrefix, type RedisScanClient } from './redis-scan.js';
import { RedisScript, type RedisScriptClient } from './redis-script.js';

/** The slice of an ioredis `Redis` or `Cluster` client the cache uses. */
export interface RedisBookCacheClient extends RedisScriptClient, RedisScanClient {
  mget(...keys: string[]): Promise<Array<string | null>>;
  get(key: string): Promise<string | null>;
}

export interface RedisBookCacheOptions {
  /** Owned by the caller, as for the bestseller board; it must not use ioredis's own `keyPrefix`. */
  client: RedisBookCacheClient;
  /** Entries are `<keyPrefix>:book:<id>`, without a hash tag: on a cluster, each book hashes to a slot of its own. */
  keyPrefix: string;
  /**
   * How long a cached book lives without being written again. It bounds how stale an entry can be
   * should every other safeguard miss a change (the write path and the change feed both update it).
   */
  bookTtlMs?: number;
}

/** A deletion is remembered longer than the change feed keeps events (24 h), so no redelivered older image revives the book. */
const TOMBSTONE_TTL_MS = 48 * 60 * 60 * 1000;
const DELETED = 'deleted';

/**
 * Stores each ARGV[1 + 2i] ("<version>|<json>") under KEYS[i] for ARGV[1] ms, unless the key holds a
 * deletion or a version at least ARGV[2i] (the versions are compared here, in one step, so two writers
 * of one book never leave the older copy behind).
 */
const PUT = `
for i, key in ipairs(KEYS) do
  local version = tonumber(ARGV[2 * i])
  local current = redis.call('GET', key)
  local newer = true
  if current then
    if current == '${DELETED}' then
      newer = false
    else
      local held = tonumber(string.match(current, '^(%d+)|'))
      if held and held >= version then newer = false end
    end
  end
  if newer then redis.call('SET', key, ARGV[2 * i + 1], 'PX', ARGV[1]) end
end
return 0
`;
/** Marks every KEYS[i] deleted for ARGV[1] ms. */
const FORGET = `
for _, key in ipairs(KEYS) do redis.call('SET', key, '${DELETED}', 'PX', ARGV[1]) end
return 0
`;
const scripts = { put: new RedisScript(PUT), forget: new RedisScript(FORGET) };

/**
 * Books cached in Redis (ElastiCache on AWS) as `<version>|<book JSON>` strings, one key per book, so
 * a read of a page of books is one MGET. Every entry expires, so the cache stays bounded by what is
 * read; run ElastiCache with a `volatile-lru` eviction policy to bound it by memory too.
 *
 * On a Redis Cluster (ElastiCache Serverless, or cluster mode enabled) the keys carry no hash tag, so
 * the books, and the reads of the hot ones, spread over every shard. A page is then read with one GET
 * per book and written with one script call per book (a command over several keys must stay within one
 * slot); ioredis's auto-pipelining sends each shard its share in one round trip. On one server a page
 * is still one MGET and one script call.
 */
export class RedisBookCache implements BookCache {
  private readonly client: RedisBookCacheClient;
  private readonly base: string;
  private readonly bookTtlMs: number;

  constructor(options: RedisBookCacheOptions) {
    this.client = options.client;
    this.base = `${options.keyPrefix}:book:`;
    this.bookTtlMs = options.bookTtlMs ?? 60 * 60 * 1000;
  }

  async getMany(ids: readonly string[]): Promise<Map<string, Book | null>> {
    const found = new Map<string, Book | null>();
    const unique = [...new Set(ids)];
    if (unique.length === 0) return found;
    const keys = unique.map((id) => this.base + id);
    const values = this.client.isCluster ? await Promise.all(keys.map((key) => this.client.get(key))) : await this.client.mget(...keys);
    unique.forEach((id, i) => {
      const value = values[i];
      if (value === null || value === undefined) return;
      if (value === DELETED) {
        found.set(id, null);
        return;
      }
      const separator = value.indexOf('|');
      if (separator > 0) found.set(id, JSON.parse(value.slice(separator + 1)) as Book);
    });
    return found;
  }

  async put(books: readonly Book[]): Promise<void> {
    // The newest of several copies of one book in a call wins, as it would one call at a time.
    const newest = new Map<string, Book>();
    for (const book of books) if ((newest.get(book.id)?.version ?? -1) < book.version) newest.set(book.id, book);
    if (newest.size === 0) return;
    const entries = [...newest.values()].map((book) => ({ key: this.base + book.id, args: [book.version, `${book.version}|${JSON.stringify(book)}`] }));
    if (this.client.isCluster) {
      await Promise.all(entries.map((entry) => scripts.put.run(this.client, [entry.key], [this.bookTtlMs, ...entry.args])));
      return;
    }
    await scripts.put.run(
      this.client,
      entries.map((entry) => entry.key),
      [this.bookTtlMs, ...entries.flatMap((entry) => entry.args)],
    );
  }

  async forget(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const keys = [...new Set(ids)].map((id) => this.base + id);
    if (this.client.isCluster) {
      await Promise.all(keys.map((key) => scripts.forget.run(this.client, [key], [TOMBSTONE_TTL_MS])));
      return;
    }
    await scripts.forget.run(this.client, keys, [TOMBSTONE_TTL_MS]);
  }

  async clear(): Promise<void> {
    await unlinkByPrefix(this.client, this.base);
  }
}
