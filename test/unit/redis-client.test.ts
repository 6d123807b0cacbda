import type { Cluster, Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createRedisConnection, type RedisConnection } from '../../src/adapters/redis/redis-client.js';

// How the engines profile configures ioredis, read back from the clients without connecting them
// (they connect lazily); test/engines/redis-*.test.ts run them against real servers.
const made: RedisConnection[] = [];
const make = (...args: Parameters<typeof createRedisConnection>) => {
  const connection = createRedisConnection(...args);
  made.push(connection);
  return connection;
};
afterEach(() => {
  for (const connection of made.splice(0)) connection.disconnect();
});

describe('the engines profile Redis client', () => {
  it('is a Cluster for ElastiCache in cluster mode: TLS to every node, node names kept for their certificates, auto-pipelined, failing fast', async () => {
    const { client } = make({ url: 'rediss://clustercfg.bookstore.abc.euw1.cache.amazonaws.com:6379', mode: 'cluster' });
    expect(client.isCluster).toBe(true);
    const options = (client as Cluster).options;
    expect(options.redisOptions?.tls).toEqual({});
    expect(options.enableAutoPipelining).toBe(true);
    expect(options.enableOfflineQueue).toBe(false);
    expect(options.redisOptions?.maxRetriesPerRequest).toBe(1);
    const resolved = await new Promise((resolve) => options.dnsLookup!('node-1.bookstore.cache.amazonaws.com', (_error, address) => resolve(address)));
    expect(resolved).toBe('node-1.bookstore.cache.amazonaws.com');
  });

  it('passes a cluster URL’s own user and password to every node, and no TLS without rediss', () => {
    const { client } = make({ url: 'redis://app:s%3Acret@127.0.0.1:7101', mode: 'cluster' });
    const options = (client as Cluster).options.redisOptions!;
    expect(options.username).toBe('app');
    expect(options.password).toBe('s:cret');
    expect(options.tls).toBeUndefined();
  });

  it('is one Redis in standalone mode, TLS from rediss', () => {
    const { client } = make({ url: 'rediss://primary.bookstore.abc.euw1.cache.amazonaws.com:6379', mode: 'standalone' });
    expect(client.isCluster).toBe(false);
    expect((client as Redis).options.tls).toBeTruthy();
    expect((client as Redis).options.enableOfflineQueue).toBe(false);
  });

  it('keeps the newest rotating password where ioredis reads it for each new connection', async () => {
    let n = 0;
    const credentials = { username: 'bookstore-app', password: async () => `token-${++n}`, refreshMs: 600_000 };
    const standalone = make({ url: 'rediss://primary.example:6379', mode: 'standalone', credentials });
    const cluster = make({ url: 'rediss://clustercfg.example:6379', mode: 'cluster', credentials });
    await standalone.refreshCredentials();
    await cluster.refreshCredentials();
    expect((standalone.client as Redis).options).toMatchObject({ username: 'bookstore-app', password: 'token-1' });
    expect((cluster.client as Cluster).options.redisOptions).toMatchObject({ username: 'bookstore-app', password: 'token-2' });
  });

  it('keeps the last password when a fresh one cannot be made, and says so without it', async () => {
    const reported: unknown[] = [];
    let fail = false;
    const connection = make({
      url: 'rediss://primary.example:6379',
      mode: 'standalone',
      credentials: { username: 'app', password: async () => (fail ? Promise.reject(new Error('no credentials')) : 'token-ok'), refreshMs: 600_000 },
      onCredentialError: (error) => reported.push(error),
    });
    await connection.refreshCredentials();
    fail = true;
    await connection.refreshCredentials();
    expect((connection.client as Redis).options.password).toBe('token-ok');
    expect(reported).toHaveLength(1);
  });
});
