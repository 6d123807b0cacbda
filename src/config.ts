import { resolve } from 'node:path';

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

export type Profile = 'embedded';

export interface Config {
  profile: Profile;
  /** Where the embedded profile keeps its SQLite files and signing keys. */
  dataDir: string;
  host: string;
  port: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** scrypt cost N (a power of two); memory used is 128 * N * 8 bytes (2^17: 128 MiB). */
  scryptCost: number;
  tokenTtlSeconds: number;
  /** Sign-in attempts allowed per minute for one client address and email. */
  loginRateLimitPerMinute: number;
  /** Largest accepted request body, bytes. */
  bodyLimitBytes: number;
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

/** Reads and checks the configuration once, at start-up, so a wrong variable fails fast with its name. */
export function loadConfig(env: Env = process.env): Config {
  const scryptCost = integer(env, 'BOOKSTORE_SCRYPT_COST', 2 ** 17, 2 ** 14, 2 ** 20);
  if ((scryptCost & (scryptCost - 1)) !== 0) throw new ConfigError('BOOKSTORE_SCRYPT_COST', `must be a power of two, got ${scryptCost}`);
  return {
    profile: oneOf(env, 'BOOKSTORE_PROFILE', 'embedded', ['embedded'] as const),
    dataDir: resolve(text(env, 'BOOKSTORE_DATA_DIR', './data')),
    host: text(env, 'HOST', '127.0.0.1'),
    port: integer(env, 'PORT', 3000, 0, 65535),
    logLevel: oneOf(env, 'BOOKSTORE_LOG_LEVEL', 'info', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const),
    scryptCost,
    tokenTtlSeconds: integer(env, 'BOOKSTORE_TOKEN_TTL_SECONDS', 8 * 3600, 60, 7 * 24 * 3600),
    loginRateLimitPerMinute: integer(env, 'BOOKSTORE_LOGIN_RATE_LIMIT', 10, 1, 100_000),
    bodyLimitBytes: integer(env, 'BOOKSTORE_BODY_LIMIT_BYTES', 64 * 1024, 1024, 10 * 1024 * 1024),
  };
}
