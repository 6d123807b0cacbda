import { createHash } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import { TooManyAttemptsError } from '../domain/errors.js';
import { normalizeEmail } from '../domain/user.js';
import type { AttemptCounter } from '../ports/attempt-counter.js';
import type { Metrics } from '../ports/metrics.js';

/** How many attempts each window allows (config: BOOKSTORE_LOGIN_RATE_LIMIT and its neighbours). */
export interface AttemptLimitSettings {
  /** Sign-in attempts at one account, from any address. */
  signInPerAccount: number;
  /** Sign-in attempts from one address, at any accounts. */
  signInPerAddress: number;
  /** Sign-ups from one address, and sign-ups with one email from any address. */
  signUpPerAddress: number;
  /** Guest carts created from one address. */
  guestCartsPerAddress: number;
  windowSeconds: number;
}

/** Who is trying: the client address as the transport saw it (API Gateway's sourceIp on Lambda). */
export interface Client {
  address: string;
}

/**
 * The address a limit counts: IPv4 as is, IPv6 by its /64 (one host usually holds a whole /64, so
 * counting single IPv6 addresses would give it 2^64 budgets), an IPv4-mapped IPv6 address as its IPv4.
 */
export function addressSubject(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped && isIPv4(mapped[1]!)) return mapped[1]!;
  if (isIPv4(address)) return address;
  if (!isIPv6(address)) return `other:${address.slice(0, 64)}`;
  const [head = '', tail] = address.toLowerCase().split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return `${groups.slice(0, 4).map((g) => g.padStart(4, '0')).join(':')}::/64`;
}

/** Keys carry a digest, never an email or an address: the counters' store holds no personal data. */
function digest(value: string): string {
  return createHash('sha256').update(value).digest('base64url').slice(0, 22);
}

/**
 * The sign-in and sign-up limits, checked before any password is hashed. Each attempt counts against
 * the account (so guesses spread over many addresses still meet one limit) and against the address
 * (so one address trying many accounts meets another); refused attempts count too, so hammering
 * does not shorten the wait.
 */
export class AttemptLimits {
  constructor(
    private readonly counter: AttemptCounter,
    private readonly settings: AttemptLimitSettings,
    private readonly metrics: Metrics,
  ) {}

  private get windowMs(): number {
    return this.settings.windowSeconds * 1000;
  }

  /** TooManyAttemptsError when this sign-in attempt is over a limit. */
  async signIn(email: string, client: Client): Promise<void> {
    const { signInPerAccount, signInPerAddress } = this.settings;
    const refused = await this.count([
      { key: signInAccountKey(email), limit: signInPerAccount },
      { key: `sign-in:address:${digest(addressSubject(client.address))}`, limit: signInPerAddress },
    ]);
    if (refused !== null) {
      this.metrics.signInRateLimited();
      throw new TooManyAttemptsError(`too many sign-in attempts; try again in ${refused} s`, refused);
    }
  }

  /**
   * The account's owner got in: the account's count starts again, so someone who mistyped a few
   * times is not locked out on their next device. Only the password opens this door, so a guesser
   * cannot use it; the address's count is kept, or a guesser could sign in to an account of their
   * own between guesses to wipe it.
   */
  async signedIn(email: string): Promise<void> {
    await this.counter.reset(signInAccountKey(email));
  }

  /** TooManyAttemptsError when this sign-up is over a limit. */
  async signUp(email: string, client: Client): Promise<void> {
    const { signUpPerAddress } = this.settings;
    const refused = await this.count([
      { key: `sign-up:account:${digest(normalizeEmail(email))}`, limit: signUpPerAddress },
      { key: `sign-up:address:${digest(addressSubject(client.address))}`, limit: signUpPerAddress },
    ]);
    if (refused !== null) throw new TooManyAttemptsError(`too many sign-ups; try again in ${refused} s`, refused);
  }

  /** TooManyAttemptsError when this address has created its share of guest carts in the window. */
  async guestCart(client: Client): Promise<void> {
    const refused = await this.count([{ key: `guest-cart:address:${digest(addressSubject(client.address))}`, limit: this.settings.guestCartsPerAddress }]);
    if (refused !== null) throw new TooManyAttemptsError(`too many new guest carts from this address; try again in ${refused} s`, refused);
  }

  /** Counts the attempt under every key; the seconds to wait when any is over its limit, else null. */
  private async count(rules: Array<{ key: string; limit: number }>): Promise<number | null> {
    const counts = await Promise.all(rules.map((rule) => this.counter.hit(rule.key, this.windowMs)));
    let wait: number | null = null;
    counts.forEach((counted, i) => {
      if (counted.count <= rules[i]!.limit) return;
      wait = Math.max(wait ?? 0, Math.max(1, Math.ceil(counted.resetInMs / 1000)));
    });
    return wait;
  }
}

function signInAccountKey(email: string): string {
  return `sign-in:account:${digest(normalizeEmail(email))}`;
}
