import { resolve } from 'node:path';
import type { AttemptLimitSettings } from './app/attempt-limits.js';

/** A configuration variable is missing or malformed; the message names it and says what is expected. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly variable: string,
    detail: string,
  ) {
    super(`${variable}: ${detail}`);
  }
}

export type Profile = 'embedded' | 'engines';

/**
 * Where the engines profile finds its engines. Defaults match `npm run engines` (127.0.0.1); a
 * loopback endpoint gets placeholder credentials, any other one the AWS SDK's default credential chain.
 */
export interface EnginesConfig {
  region: string;
  /** null: the AWS endpoint of the region. */
  dynamodbEndpoint: string | null;
  /** The main table; a `-credentials` table sits beside it. */
  dynamodbTable: string;
  opensearchUrl: string;
  /** The alias searches go through; its indices are `<alias>-gen-*`. */
  opensearchAlias: string;
  opensearchReplicas: number;
  /** `sigv4`: sign every request for an Amazon OpenSearch Service domain with IAM access. */
  opensearchAuth: 'none' | 'sigv4';
  redisUrl: string;
  redisKeyPrefix: string;
  /** `cluster`: the URL is a Redis Cluster's (configuration) endpoint, e.g. ElastiCache Serverless. */
  redisMode: 'standalone' | 'cluster';
  /** Set: connect as an IAM-enabled ElastiCache user, signing a fresh token per connection; null: the URL's own credentials. */
  redisIam: RedisIamConfig | null;
  gremlinUrl: string;
  gremlinNamespace: string;
  /** `sigv4`: sign the WebSocket handshake for Neptune with IAM authentication. */
  gremlinAuth: 'none' | 'sigv4';
  /** null: the AWS endpoint of the region. */
  cognitoEndpoint: string | null;
  /** Both null: find or create the pool named `cognitoPoolName` (local stand-ins and first runs). */
  cognitoUserPoolId: string | null;
  cognitoClientId: string | null;
  cognitoPoolName: string;
  /** Create what is missing (tables, index template, user pool) at start-up; off when infrastructure code owns them. */
  provision: boolean;
  /**
   * `local`: this process reaches the derived stores (OpenSearch, Redis, Gremlin) and the CLI brings
   * them up to date itself. `deployed`: they are out of reach (in a VPC), so the CLI writes only the
   * system of record and Cognito, the stream function feeds the rest, and rebuilds go to the rebuild
   * function.
   */
  derivedStores: 'local' | 'deployed';
  /** The rebuild function (name or ARN) that rebuilds run in on AWS; null: rebuilds run in this process. */
  rebuildFunction: string | null;
  /** Records per chunk of a chunked rebuild. */
  rebuildChunkSize: number;
}

export interface RedisIamConfig {
  /** The ElastiCache user's id (IAM authentication requires it to equal the user's name). */
  userId: string;
  /** The replication group id, or the serverless cache's name. */
  cacheName: string;
  serverless: boolean;
}

export interface Config {
  profile: Profile;
  /** Set when `profile` is `engines`. */
  engines: EnginesConfig | null;
  /** Where the embedded profile keeps its SQLite files and signing keys. */
  dataDir: string;
  host: string;
  port: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** scrypt cost N (a power of two); memory used is 128 * N * 8 bytes (2^17: 128 MiB). */
  scryptCost: number;
  tokenTtlSeconds: number;
  /** Sign-in and sign-up attempts allowed per window, per account and per client address. */
  attemptLimits: AttemptLimitSettings;
  /** Seconds a guest cart lives after its last change (BOOKSTORE_GUEST_CART_TTL_SECONDS). */
  guestCartTtlSeconds: number;
  /** Largest accepted request body, bytes. */
  bodyLimitBytes: number;
  /**
   * The store's address as shoppers see it (`https://books.example.com`), for the absolute URLs of
   * sitemap.xml and robots.txt; null: taken from each request's Host header.
   */
  publicUrl: string | null;
}

type Env = Record<string, string | undefined>;

function text(env: Env, name: string, fallback: string): string {
  const v = env[name];
  return v === undefined || v === '' ? fallback : v;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(name, `must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return Number(raw);
}

function oneOf<T extends string>(env: Env, name: string, fallback: T, allowed: readonly T[]): T {
  const v = text(env, name, fallback);
  if (!(allowed as readonly string[]).includes(v)) throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${v}"`);
  return v as T;
}

/** A URL with one of the given protocols; `aws` (when allowed) means the region's AWS endpoint. */
function url(env: Env, name: string, fallback: string, protocols: readonly string[], allowAws = false): string | null {
  const v = text(env, name, fallback);
  if (allowAws && v === 'aws') return null;
  let parsed: URL;
  try {
    parsed = new URL(v);
  } catch {
    throw new ConfigError(name, `must be a URL (${protocols.map((p) => `${p}//…`).join(' or ')})${allowAws ? ' or "aws"' : ''}, got "${v}"`);
  }
  if (!protocols.includes(parsed.protocol)) throw new ConfigError(name, `must use ${protocols.join(' or ')}, got "${parsed.protocol}" in "${v}"`);
  return v.replace(/\/$/, '');
}

function matching(env: Env, name: string, fallback: string, pattern: RegExp, what: string): string {
  const v = text(env, name, fallback);
  if (!pattern.test(v)) throw new ConfigError(name, `must be ${what}, got "${v}"`);
  return v;
}

function flag(env: Env, name: string, fallback: boolean): boolean {
  const v = text(env, name, String(fallback));
  if (v !== 'true' && v !== 'false') throw new ConfigError(name, `must be true or false, got "${v}"`);
  return v === 'true';
}

function port(env: Env, name: string, fallback: number): number {
  return integer(env, name, fallback, 1, 65535);
}

/** IAM authentication to ElastiCache: its three variables are required together, and only over TLS. */
function redisIam(env: Env, redisUrl: string): RedisIamConfig | null {
  if (oneOf(env, 'BOOKSTORE_REDIS_AUTH', 'none', ['none', 'iam'] as const) === 'none') return null;
  if (!redisUrl.startsWith('rediss:')) {
    throw new ConfigError('BOOKSTORE_REDIS_URL', `must use rediss: (TLS) when BOOKSTORE_REDIS_AUTH=iam, so IAM tokens never cross the network in clear, got "${redisUrl}"`);
  }
  for (const name of ['BOOKSTORE_REDIS_IAM_USER', 'BOOKSTORE_REDIS_IAM_CACHE']) {
    if (text(env, name, '') === '') throw new ConfigError(name, 'must be set when BOOKSTORE_REDIS_AUTH=iam');
  }
  return {
    userId: matching(env, 'BOOKSTORE_REDIS_IAM_USER', '', /^[a-zA-Z][a-zA-Z0-9-]{0,39}$/, 'an ElastiCache user id (a letter, then up to 39 letters, digits or -)'),
    cacheName: matching(env, 'BOOKSTORE_REDIS_IAM_CACHE', '', /^[a-z][a-z0-9-]{0,39}$/, 'a replication group id or serverless cache name (lower case, up to 40)'),
    serverless: flag(env, 'BOOKSTORE_REDIS_IAM_SERVERLESS', false),
  };
}

/** The engines' endpoints; the `*_PORT` variables are the ones `npm run engines` reads too. */
export function loadEnginesConfig(env: Env): EnginesConfig {
  const userPoolId = text(env, 'BOOKSTORE_COGNITO_USER_POOL_ID', '');
  const clientId = text(env, 'BOOKSTORE_COGNITO_CLIENT_ID', '');
  if ((userPoolId === '') !== (clientId === '')) {
    const missing = userPoolId === '' ? 'BOOKSTORE_COGNITO_USER_POOL_ID' : 'BOOKSTORE_COGNITO_CLIENT_ID';
    throw new ConfigError(missing, 'must be set together with the other of BOOKSTORE_COGNITO_USER_POOL_ID and BOOKSTORE_COGNITO_CLIENT_ID');
  }
  if (userPoolId !== '' && !/^[\w-]+_[0-9a-zA-Z]+$/.test(userPoolId)) {
    throw new ConfigError('BOOKSTORE_COGNITO_USER_POOL_ID', `must look like <region>_<id>, got "${userPoolId}"`);
  }
  const name = /^[a-z0-9][a-z0-9_.-]{2,100}$/;
  const redisUrl = url(env, 'BOOKSTORE_REDIS_URL', `redis://127.0.0.1:${port(env, 'BOOKSTORE_REDIS_PORT', 6379)}`, ['redis:', 'rediss:'])!;
  return {
    region: matching(env, 'BOOKSTORE_AWS_REGION', env.AWS_REGION || 'us-east-1', /^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as eu-west-1'),
    dynamodbEndpoint: url(env, 'BOOKSTORE_DYNAMODB_ENDPOINT', `http://127.0.0.1:${port(env, 'BOOKSTORE_DYNAMODB_PORT', 8000)}`, ['http:', 'https:'], true),
    dynamodbTable: matching(env, 'BOOKSTORE_DYNAMODB_TABLE', 'bookstore', /^[a-zA-Z0-9_.-]{3,200}$/, '3 to 200 letters, digits, _ . or -'),
    opensearchUrl: url(env, 'BOOKSTORE_OPENSEARCH_URL', `http://127.0.0.1:${port(env, 'BOOKSTORE_OPENSEARCH_PORT', 9200)}`, ['http:', 'https:'])!,
    opensearchAlias: matching(env, 'BOOKSTORE_OPENSEARCH_ALIAS', 'bookstore-books', name, 'lower-case letters, digits, _ . or - (3 to 101)'),
    opensearchReplicas: integer(env, 'BOOKSTORE_OPENSEARCH_REPLICAS', 0, 0, 5),
    opensearchAuth: oneOf(env, 'BOOKSTORE_OPENSEARCH_AUTH', 'none', ['none', 'sigv4'] as const),
    redisUrl,
    redisKeyPrefix: matching(env, 'BOOKSTORE_REDIS_PREFIX', 'bookstore', name, 'lower-case letters, digits, _ . or - (3 to 101)'),
    redisMode: oneOf(env, 'BOOKSTORE_REDIS_MODE', 'standalone', ['standalone', 'cluster'] as const),
    redisIam: redisIam(env, redisUrl),
    gremlinUrl: url(env, 'BOOKSTORE_GREMLIN_URL', `ws://127.0.0.1:${port(env, 'BOOKSTORE_GREMLIN_PORT', 8182)}/gremlin`, ['ws:', 'wss:'])!,
    gremlinNamespace: matching(env, 'BOOKSTORE_GREMLIN_NAMESPACE', 'bookstore', name, 'lower-case letters, digits, _ . or - (3 to 101)'),
    gremlinAuth: oneOf(env, 'BOOKSTORE_GREMLIN_AUTH', 'none', ['none', 'sigv4'] as const),
    cognitoEndpoint: url(env, 'BOOKSTORE_COGNITO_ENDPOINT', `http://127.0.0.1:${port(env, 'BOOKSTORE_COGNITO_PORT', 5000)}`, ['http:', 'https:'], true),
    cognitoUserPoolId: userPoolId || null,
    cognitoClientId: clientId || null,
    cognitoPoolName: matching(env, 'BOOKSTORE_COGNITO_POOL_NAME', 'bookstore', /^[\w\s+=,.@-]{1,128}$/, 'a user pool name (1 to 128 characters)'),
    provision: flag(env, 'BOOKSTORE_PROVISION', true),
    derivedStores: oneOf(env, 'BOOKSTORE_DERIVED_STORES', 'local', ['local', 'deployed'] as const),
    rebuildFunction:
      matching(env, 'BOOKSTORE_REBUILD_FUNCTION', '-', /^(-|[a-zA-Z0-9_-]{1,64}|arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[a-zA-Z0-9_-]{1,64}(:[a-zA-Z0-9_$-]+)?)$/, 'a Lambda function name or ARN') === '-'
        ? null
        : text(env, 'BOOKSTORE_REBUILD_FUNCTION', ''),
    rebuildChunkSize: integer(env, 'BOOKSTORE_REBUILD_CHUNK_SIZE', 2000, 10, 20_000),
  };
}

/** An origin only (scheme, host, port): page paths are appended to it. */
function publicUrl(env: Env): string | null {
  if (text(env, 'BOOKSTORE_PUBLIC_URL', '') === '') return null;
  const v = url(env, 'BOOKSTORE_PUBLIC_URL', '', ['https:', 'http:'])!;
  const parsed = new URL(v);
  if (parsed.origin !== v) throw new ConfigError('BOOKSTORE_PUBLIC_URL', `must be an origin such as https://books.example.com (no path, query or credentials), got "${v}"`);
  return v;
}

/** Reads and checks the configuration once, at start-up, so a wrong variable fails fast with its name. */
export function loadConfig(env: Env = process.env): Config {
  const scryptCost = integer(env, 'BOOKSTORE_SCRYPT_COST', 2 ** 17, 2 ** 14, 2 ** 20);
  if ((scryptCost & (scryptCost - 1)) !== 0) throw new ConfigError('BOOKSTORE_SCRYPT_COST', `must be a power of two, got ${scryptCost}`);
  const profile = oneOf(env, 'BOOKSTORE_PROFILE', 'embedded', ['embedded', 'engines'] as const);
  return {
    profile,
    engines: profile === 'engines' ? loadEnginesConfig(env) : null,
    dataDir: resolve(text(env, 'BOOKSTORE_DATA_DIR', './data')),
    host: text(env, 'HOST', '127.0.0.1'),
    port: integer(env, 'PORT', 3000, 0, 65535),
    logLevel: oneOf(env, 'BOOKSTORE_LOG_LEVEL', 'info', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const),
    scryptCost,
    tokenTtlSeconds: integer(env, 'BOOKSTORE_TOKEN_TTL_SECONDS', 8 * 3600, 60, 7 * 24 * 3600),
    attemptLimits: {
      signInPerAccount: integer(env, 'BOOKSTORE_LOGIN_RATE_LIMIT', 10, 1, 100_000),
      signInPerAddress: integer(env, 'BOOKSTORE_LOGIN_ADDRESS_RATE_LIMIT', 20, 1, 100_000),
      signUpPerAddress: integer(env, 'BOOKSTORE_SIGNUP_RATE_LIMIT', 5, 1, 100_000),
      guestCartsPerAddress: integer(env, 'BOOKSTORE_GUEST_CART_RATE_LIMIT', 20, 1, 100_000),
      windowSeconds: 60,
    },
    guestCartTtlSeconds: integer(env, 'BOOKSTORE_GUEST_CART_TTL_SECONDS', 14 * 24 * 3600, 60, 90 * 24 * 3600),
    bodyLimitBytes: integer(env, 'BOOKSTORE_BODY_LIMIT_BYTES', 64 * 1024, 1024, 10 * 1024 * 1024),
    publicUrl: publicUrl(env),
  };
}
