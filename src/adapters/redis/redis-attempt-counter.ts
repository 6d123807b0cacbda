import { UnavailableError } from '../../domain/errors.js';
import type { AttemptCount, AttemptCounter } from '../../ports/attempt-counter.js';
import { RedisScript, type RedisScriptClient } from './redis-script.js';

/** The slice of an ioredis client (one server or a Cluster) the counters use. */
export interface RedisAttemptClient extends RedisScriptClient {
  unlink(...keys: string[]): Promise<number>;
}

/**
 * One attempt, atomically: the first INCR of a window sets its expiry, and a key that somehow has
 * none (PTTL -1) gets one, so no counter can outlive its window. Returns {count, ms left}.
 */
const HIT = new RedisScript(`
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local left = redis.call('PTTL', KEYS[1])
if left < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  left = tonumber(ARGV[1])
end
return {count, left}
`);

export interface RedisAttemptCounterOptions {
  client: RedisAttemptClient;
  keyPrefix: string;
}

/**
 * Attempt counters in Redis, shared by every server process and Lambda container of the store. Each
 * counter is one key whose hash tag is the whole counter name (`p:{p:attempts:<key>}`): a script
 * touches that key alone, so it is cluster-safe, and the counters spread over every shard.
 */
export class RedisAttemptCounter implements AttemptCounter {
  constructor(private readonly options: RedisAttemptCounterOptions) {}

  private keyOf(key: string): string {
    const { keyPrefix } = this.options;
    return `${keyPrefix}:{${keyPrefix}:attempts:${key}}`;
  }

  async hit(key: string, windowMs: number): Promise<AttemptCount> {
    const reply = await this.guard(() => HIT.run(this.options.client, [this.keyOf(key)], [Math.max(1, Math.round(windowMs))]));
    const [count, left] = reply as [number, number];
    return { count: Number(count), resetInMs: Number(left) };
  }

  async reset(key: string): Promise<void> {
    await this.guard(() => this.options.client.unlink(this.keyOf(key)));
  }

  /** The connection is the store's; closing it is the composition root's job. */
  async close(): Promise<void> {}

  private async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw new UnavailableError('the attempt counters (Redis)', { cause: error });
    }
  }
}
