import { Cluster, Redis, type RedisOptions } from 'ioredis';

/** A password that must be made fresh for each connection, such as an ElastiCache IAM token. */
export interface RotatingCredentials {
  username: string;
  /** A fresh password on every call (it may sign one, or fetch one). */
  password(): Promise<string>;
  /** How often a fresh password is made even without a reconnect: well below the password's lifetime. */
  refreshMs: number;
}

export interface RedisConnectionOptions {
  /** `redis://` or `rediss://` (TLS); may carry a user and password, unless `credentials` is set. */
  url: string;
  /** `cluster`: the URL is one node or the configuration endpoint of a Redis Cluster (ElastiCache Serverless). */
  mode: 'standalone' | 'cluster';
  credentials?: RotatingCredentials;
  /** Told when a fresh password could not be made; the last one stays in use. Never given the password. */
  onCredentialError?: (error: unknown) => void;
}

export interface RedisConnection {
  readonly client: Redis | Cluster;
  /** Makes the first password (with `credentials`), then connects; resolves once commands can run. */
  connect(): Promise<void>;
  /** Makes a fresh password now: every connection opened from now on uses it, and the open ones sign in with it again. */
  refreshCredentials(): Promise<void>;
  /** Stops the refresh timer and closes every connection at once. */
  disconnect(): void;
}

/**
 * An ioredis client as the engines profile runs it: a command fails at once instead of queueing while
 * Redis is away (reads answer 503), and a Redis that accepts connections but answers nothing fails the
 * command after 2 s. In cluster mode it is an ioredis `Cluster` that auto-pipelines (the book cache
 * sends one command per book, see RedisBookCache) and, for ElastiCache with TLS, connects to each node
 * by the host name it is given (`dnsLookup`), so the node certificates match.
 *
 * With rotating credentials, ioredis reads `password` each time it opens a connection (a reconnect, a
 * new cluster node, the cluster's slot refresher), so the password kept in the options is replaced
 * before it expires: every `refreshMs`, and again as soon as a connection drops, so the reconnect that
 * follows (after ioredis's retry delay) signs in with a fresh one. Should a reconnect still present an
 * expired one (a process frozen past the refresh, as Lambda freezes), Redis refuses it, ioredis
 * reconnects again, and that attempt has the fresh password.
 *
 * Each fresh password also signs the live connections in again, which is what keeps an ElastiCache IAM
 * connection open past 12 hours; a connection it misses (busy reconnecting) is closed at 12 hours and
 * its reconnect signs in anew.
 */
export function createRedisConnection(options: RedisConnectionOptions): RedisConnection {
  const tls = new URL(options.url).protocol === 'rediss:';
  const nodeOptions: RedisOptions = { maxRetriesPerRequest: 1, commandTimeout: 2_000 };
  const credentials = options.credentials;
  if (credentials) nodeOptions.username = credentials.username;

  let client: Redis | Cluster;
  let usePassword: (password: string) => void;
  if (options.mode === 'cluster') {
    const url = new URL(options.url);
    // Mutated in place below: ioredis builds each new node connection from this very object.
    const redisOptions: RedisOptions = {
      ...nodeOptions,
      ...(tls ? { tls: {} } : {}),
      ...(!credentials && url.username ? { username: decodeURIComponent(url.username) } : {}),
      ...(!credentials && url.password ? { password: decodeURIComponent(url.password) } : {}),
    };
    const cluster = new Cluster([{ host: url.hostname, port: Number(url.port || 6379) }], {
      lazyConnect: true,
      enableOfflineQueue: false,
      enableAutoPipelining: true,
      // ElastiCache's TLS certificates name the nodes' DNS names, not their addresses.
      dnsLookup: (address, callback) => callback(null, address),
      redisOptions,
    });
    client = cluster;
    usePassword = (password) => {
      redisOptions.password = password;
      for (const node of cluster.nodes('all')) node.options.password = password;
    };
  } else {
    const redis = new Redis(options.url, { ...nodeOptions, enableOfflineQueue: false, lazyConnect: true });
    client = redis;
    usePassword = (password) => {
      redis.options.password = password;
    };
  }

  // Signing in again on a live connection with a fresh token extends it (ElastiCache closes an IAM
  // connection 12 hours after its last sign-in); a refused AUTH leaves the connection as it was.
  const renew = async (password: string) => {
    const live = client instanceof Cluster ? client.nodes('all') : [client];
    await Promise.all(
      live
        .filter((connection) => connection.status === 'ready')
        .map((connection) => connection.auth(credentials!.username, password).catch((error: unknown) => options.onCredentialError?.(error))),
    );
  };
  let timer: NodeJS.Timeout | undefined;
  let pending: Promise<void> | undefined;
  const refreshCredentials = (): Promise<void> => {
    if (!credentials) return Promise.resolve();
    pending ??= credentials
      .password()
      .then(
        async (password) => {
          usePassword(password);
          await renew(password);
        },
        (error: unknown) => options.onCredentialError?.(error),
      )
      .finally(() => (pending = undefined));
    return pending;
  };
  if (credentials) client.on('reconnecting', () => void refreshCredentials());

  return {
    client,
    async connect() {
      if (credentials) {
        usePassword(await credentials.password());
        timer = setInterval(() => void refreshCredentials(), credentials.refreshMs);
        timer.unref();
      }
      await client.connect();
    },
    refreshCredentials,
    disconnect() {
      clearInterval(timer);
      client.disconnect();
    },
  };
}
