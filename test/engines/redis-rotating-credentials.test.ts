import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRedisConnection, type RedisConnection } from '../../src/adapters/redis/redis-client.js';
import { startRedisProcess, type RedisProcess } from '../support/redis-process.js';
import { authCounts, eventually, rotatingPassword } from '../support/rotating-password.js';

// ElastiCache IAM tokens live 15 minutes and are checked only when a connection signs in, so every
// reconnect must present a fresh one. A real redis-server of this file's own plays ElastiCache: its ACL
// accepts only the newest password the provider handed out.
let server: RedisProcess;
let admin: Redis;
const opened: Array<{ disconnect(): void }> = [];

let startup: unknown;

beforeAll(async () => {
  try {
    server = await startRedisProcess();
    admin = new Redis(server.url, { maxRetriesPerRequest: 1 });
  } catch (error) {
    startup = error;
  }
});
// A server that cannot start fails every test with the reason (a failing beforeAll would only skip them).
beforeEach(() => {
  if (startup !== undefined) throw startup;
});
afterEach(() => {
  for (const client of opened.splice(0)) client.disconnect();
});
afterAll(async () => {
  await admin?.quit();
  await server?.close();
});

function connect(user: string, password: () => Promise<string>, refreshMs = 3_600_000): RedisConnection {
  const connection = createRedisConnection({ url: server.url, mode: 'standalone', credentials: { username: user, password, refreshMs } });
  connection.client.on('error', () => undefined);
  opened.push(connection);
  return connection;
}

/** A plain client that signs in once with `password` and reports each error it meets. */
function fixedClient(user: string, password: string, errors: string[]): Redis {
  const client = new Redis({ host: '127.0.0.1', port: server.port, username: user, password, lazyConnect: true, maxRetriesPerRequest: 1 });
  client.on('error', (error: Error) => errors.push(error.message));
  opened.push(client);
  return client;
}

/** AUTH on a connection of its own: resolves if `password` signs `user` in now. */
function signIn(user: string, password: string): Promise<unknown> {
  const probe = admin.duplicate();
  opened.push(probe);
  return probe.call('AUTH', user, password);
}

describe('a Redis connection with rotating credentials', () => {
  it('signs in again after its connection drops, with a password made after the old one stopped working', async () => {
    const rotating = rotatingPassword([admin], 'app-reconnect');
    const connection = connect('app-reconnect', rotating.password);
    await connection.connect();
    expect(await connection.client.call('ACL', 'WHOAMI')).toBe('app-reconnect');

    await connection.refreshCredentials();
    expect(rotating.handedOut).toHaveLength(2);
    // The first password no longer signs anyone in...
    await expect(signIn('app-reconnect', rotating.handedOut[0]!)).rejects.toThrow(/WRONGPASS/);
    // ...yet the live connection carries on, as ElastiCache keeps a connection past its token.
    expect(await connection.client.call('ACL', 'WHOAMI')).toBe('app-reconnect');

    expect(await admin.call('CLIENT', 'KILL', 'USER', 'app-reconnect')).toBeGreaterThan(0);
    expect(await eventually(() => connection.client.call('ACL', 'WHOAMI'))).toBe('app-reconnect');
    expect(rotating.handedOut.length).toBeGreaterThanOrEqual(2);
    const current = (connection.client as Redis).options.password!;
    expect(rotating.handedOut.slice(0, 2)).not.toContain(current);
    expect(await signIn('app-reconnect', current)).toBe('OK');
  });

  it('makes fresh passwords on its timer, with no reconnect', async () => {
    const rotating = rotatingPassword([admin], 'app-timer');
    const connection = connect('app-timer', rotating.password, 100);
    await connection.connect();
    await eventually(async () => expect(rotating.handedOut.length).toBeGreaterThanOrEqual(3));
    expect((connection.client as Redis).options.password).toBe(rotating.handedOut.at(-1));
  });

  it('signs its live connection in again with each fresh password, which keeps an ElastiCache connection past 12 hours', async () => {
    const rotating = rotatingPassword([admin], 'app-renew');
    const connection = connect('app-renew', rotating.password);
    await connection.connect();
    const before = await authCounts(admin);
    await connection.refreshCredentials();
    const after = await authCounts(admin);
    expect(after.calls).toBeGreaterThan(before.calls);
    expect(after.failed).toBe(before.failed);
    expect(await connection.client.call('ACL', 'WHOAMI')).toBe('app-renew');
  });

  it('(the failure it prevents) a client that keeps its first password cannot sign in again', async () => {
    const rotating = rotatingPassword([admin], 'app-fixed');
    const errors: string[] = [];
    const client = fixedClient('app-fixed', await rotating.password(), errors);
    await client.connect();
    await rotating.password();
    await admin.call('CLIENT', 'KILL', 'USER', 'app-fixed');
    await eventually(async () => expect(errors.some((message) => message.includes('WRONGPASS'))).toBe(true));
    await expect(client.call('ACL', 'WHOAMI')).rejects.toThrow();
  });
});
