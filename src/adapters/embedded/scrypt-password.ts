import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const BLOCK_SIZE = 8;
const PARALLELISM = 1;
const SALT_BYTES = 16;
const KEY_BYTES = 32;

function derive(password: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, keyLength, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** scrypt needs 128 * N * r bytes; Node refuses above `maxmem` (32 MiB by default), so allow twice that. */
function optionsFor(cost: number, blockSize: number, parallelism: number): ScryptOptions {
  return { N: cost, r: blockSize, p: parallelism, maxmem: 2 * 128 * cost * blockSize * parallelism + 1024 * 1024 };
}

/**
 * Hashes a password as `scrypt$N$r$p$salt$hash` (salt and hash base64url). The parameters travel with
 * the hash so a later change of cost still verifies old hashes.
 */
export async function hashPassword(password: string, cost: number): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, KEY_BYTES, optionsFor(cost, BLOCK_SIZE, PARALLELISM));
  return ['scrypt', cost, BLOCK_SIZE, PARALLELISM, salt.toString('base64url'), key.toString('base64url')].join('$');
}

interface ParsedHash {
  cost: number;
  blockSize: number;
  parallelism: number;
  salt: Buffer;
  key: Buffer;
}

function parseHash(stored: string): ParsedHash | null {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [cost, blockSize, parallelism] = parts.slice(1, 4).map(Number) as [number, number, number];
  const salt = Buffer.from(parts[4]!, 'base64url');
  const key = Buffer.from(parts[5]!, 'base64url');
  const sane = (n: number, max: number) => Number.isInteger(n) && n >= 1 && n <= max;
  if (!sane(cost, 2 ** 24) || (cost & (cost - 1)) !== 0 || !sane(blockSize, 64) || !sane(parallelism, 16)) return null;
  if (salt.length < 8 || key.length < 16) return null;
  return { cost, blockSize, parallelism, salt, key };
}

/** True when `password` matches the stored hash; false for a wrong password or a malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed) return false;
  const key = await derive(password, parsed.salt, parsed.key.length, optionsFor(parsed.cost, parsed.blockSize, parsed.parallelism));
  return timingSafeEqual(key, parsed.key);
}

/** The cost a stored hash was made with, or null when it is not one of ours; lets sign-in upgrade old hashes. */
export function hashCost(stored: string): number | null {
  return parseHash(stored)?.cost ?? null;
}
