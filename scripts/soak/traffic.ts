import { randomUUID } from 'node:crypto';
import type { FaultLog } from './faults.js';
import type { SoakServer } from './server.js';

export interface Answer {
  /** HTTP status, or 0 when no answer came (refused, reset, timed out). */
  status: number;
  headers: Headers | null;
  body: any;
}

interface Customer {
  id: string;
  email: string;
  token: string;
}

const WORDS = ['the', 'war', 'love', 'history', 'night', 'garden', 'stone', 'river', 'king', 'science', 'dragn', 'myst'];
const PASSWORD = 'soak test password 42';
/** Checkout attempts with one Idempotency-Key before the soak gives up on it (each after the server answers again). */
const CHECKOUT_TRIES = 8;

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;

/**
 * The clients: one customer per worker (so carts are never shared) plus the admin, each looping over
 * weighted actions until the deadline. Every answer is counted; 5xx and missing answers are sorted
 * by whether a fault window covered the request.
 */
export class Traffic {
  requests = 0;
  retries = 0;
  serverErrorsInFaults = 0;
  networkErrorsInFaults = 0;
  readonly serverErrorsOutside: string[] = [];
  readonly networkErrorsOutside: string[] = [];
  /** Acknowledged order id → the customer's id; and every order id each Idempotency-Key was answered with. */
  readonly acknowledged = new Map<string, string>();
  readonly ordersByKey = new Map<string, Set<string>>();
  customers: Customer[] = [];
  adminToken = '';
  private bookIds: string[] = [];

  constructor(
    private readonly server: SoakServer,
    private readonly faults: FaultLog,
    private readonly workers: number,
    private readonly tag: string,
  ) {}

  async request(method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Answer> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const started = Date.now();
    this.requests++;
    let answer: Answer;
    try {
      const res = await fetch(this.server.baseUrl + path, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: AbortSignal.timeout(20_000),
      });
      const text = await res.text();
      answer = { status: res.status, headers: res.headers, body: text && (res.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text };
    } catch (error) {
      answer = { status: 0, headers: null, body: String(error) };
    }
    const inFault = this.faults.covers(started, Date.now());
    const what = `${method} ${path} → ${answer.status || 'no answer'} at ${new Date(started).toISOString()}`;
    if (answer.status >= 500) {
      if (inFault) this.serverErrorsInFaults++;
      else this.serverErrorsOutside.push(`${what}: ${JSON.stringify(answer.body).slice(0, 300)}`);
    } else if (answer.status === 0) {
      if (inFault) this.networkErrorsInFaults++;
      else this.networkErrorsOutside.push(`${what}: ${String(answer.body).slice(0, 200)}`);
    }
    return answer;
  }

  /** Signs up a customer per worker, signs the admin in, and reads the catalog's first pages. */
  async prepare(): Promise<void> {
    for (let i = 0; i < this.workers; i++) {
      const email = `soak-${this.tag}-${i}@example.com`;
      const signup = await this.request('POST', '/api/v1/auth/signup', { body: { email, password: PASSWORD, name: `Soak Customer ${i}` } });
      if (signup.status !== 201) throw new Error(`sign-up failed: ${signup.status} ${JSON.stringify(signup.body)}`);
      this.customers.push({ id: signup.body.user.id, email, token: await this.login(email, PASSWORD) });
    }
    this.adminToken = await this.login(this.server.admin.email, this.server.admin.password);
    await this.refreshBooks();
  }

  /** Runs every worker until `done()` says so. */
  async run(done: () => boolean): Promise<void> {
    await Promise.all(this.customers.map((customer, i) => this.worker(customer, i === 0, done)));
  }

  private async login(email: string, password: string): Promise<string> {
    const res = await this.request('POST', '/api/v1/auth/login', { body: { email, password } });
    if (res.status !== 200) throw new Error(`sign-in of ${email} failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.accessToken as string;
  }

  private async refreshBooks(): Promise<void> {
    const ids: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 5; page++) {
      const res = await this.request('GET', `/api/v1/books?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      if (res.status !== 200) return;
      ids.push(...res.body.items.map((b: { id: string }) => b.id));
      cursor = res.body.nextCursor;
      if (!cursor) break;
    }
    if (ids.length > 0) this.bookIds = ids;
  }

  /** One client's loop; the first worker also acts as the admin. */
  private async worker(customer: Customer, admin: boolean, done: () => boolean): Promise<void> {
    const actions: Array<[number, () => Promise<unknown>]> = [
      [25, () => this.browse()],
      [20, () => this.request('GET', `/api/v1/search?q=${encodeURIComponent(pick(WORDS))}&limit=10`)],
      [20, () => this.changeCart(customer)],
      [12, () => this.checkout(customer)],
      [6, () => this.befriend(customer)],
      ...(admin ? ([[10, () => this.editBook()], [3, () => this.deleteBook()], [4, () => this.createBook()]] as Array<[number, () => Promise<unknown>]>) : []),
    ];
    const total = actions.reduce((n, [w]) => n + w, 0);
    while (!done()) {
      let roll = Math.random() * total;
      const action = actions.find(([w]) => (roll -= w) < 0)![1];
      await action();
      // A little think time keeps the load at a level that does not starve the other helpers' work.
      await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 60));
    }
  }

  private async browse(): Promise<void> {
    const roll = Math.random();
    if (roll < 0.4 && this.bookIds.length > 0) await this.request('GET', `/api/v1/books/${pick(this.bookIds)}`);
    else if (roll < 0.7) await this.request('GET', `/api/v1/bestsellers?window=${pick(['all', '7d', '1d'])}&limit=10`);
    else if (roll < 0.9) await this.request('GET', '/api/v1/books?limit=20');
    else await this.request('GET', '/api/v1/categories');
  }

  private async changeCart(customer: Customer): Promise<void> {
    if (this.bookIds.length === 0) return;
    const bookId = pick(this.bookIds);
    if (Math.random() < 0.8) await this.request('PUT', `/api/v1/cart/items/${bookId}`, { token: customer.token, body: { quantity: 1 + Math.floor(Math.random() * 3) } });
    else await this.request('DELETE', `/api/v1/cart/items/${bookId}`, { token: customer.token });
  }

  /**
   * Checks out with a new Idempotency-Key, retried with the same key while no answer says what
   * happened (no answer, 5xx); then, some of the time, retried once more after a success, which must
   * answer the same order.
   */
  private async checkout(customer: Customer): Promise<void> {
    const key = randomUUID();
    for (let attempt = 0; attempt < CHECKOUT_TRIES; attempt++) {
      if (attempt > 0) {
        this.retries++;
        await this.server.waitReady().catch(() => undefined);
      }
      const res = await this.request('POST', '/api/v1/orders', { token: customer.token, headers: { 'idempotency-key': key } });
      if (res.status === 200 || res.status === 201) {
        this.acknowledge(key, res.body.order.id, customer.id);
        if (Math.random() < 0.3) {
          this.retries++;
          const again = await this.request('POST', '/api/v1/orders', { token: customer.token, headers: { 'idempotency-key': key } });
          if (again.status === 200) this.acknowledge(key, again.body.order.id, customer.id);
        }
        return;
      }
      // 4xx: an empty cart, or a cart or price that changed under it: nothing was placed, nothing to retry.
      if (res.status > 0 && res.status < 500) return;
    }
  }

  private acknowledge(key: string, orderId: string, userId: string): void {
    this.acknowledged.set(orderId, userId);
    const ids = this.ordersByKey.get(key) ?? new Set<string>();
    ids.add(orderId);
    this.ordersByKey.set(key, ids);
  }

  private async befriend(customer: Customer): Promise<void> {
    const other = pick(this.customers);
    if (other.id === customer.id) return;
    if (Math.random() < 0.15) await this.request('DELETE', `/api/v1/friends/${other.id}`, { token: customer.token });
    else await this.request('PUT', `/api/v1/friends/${other.id}`, { token: customer.token });
  }

  private async editBook(): Promise<void> {
    if (this.bookIds.length === 0) return;
    const id = pick(this.bookIds);
    const current = await this.request('GET', `/api/v1/books/${id}`);
    const etag = current.headers?.get('etag');
    if (current.status !== 200 || !etag) return;
    const change = Math.random() < 0.5 ? { price: 500 + Math.floor(Math.random() * 4000) } : { title: `${String(current.body.title).replace(/ \(rev \d+\)$/, '')} (rev ${Math.floor(Math.random() * 100)})` };
    await this.request('PATCH', `/api/v1/books/${id}`, { token: this.adminToken, headers: { 'if-match': etag }, body: change });
  }

  private async deleteBook(): Promise<void> {
    if (this.bookIds.length < 50) return;
    const id = pick(this.bookIds);
    const current = await this.request('GET', `/api/v1/books/${id}`);
    const etag = current.headers?.get('etag');
    if (current.status !== 200 || !etag) return;
    const res = await this.request('DELETE', `/api/v1/books/${id}`, { token: this.adminToken, headers: { 'if-match': etag } });
    if (res.status === 204) this.bookIds = this.bookIds.filter((b) => b !== id);
  }

  private async createBook(): Promise<void> {
    const n = Math.floor(Math.random() * 1e9);
    const isbn = isbn13(`979${String(n).padStart(9, '0')}`);
    const res = await this.request('POST', '/api/v1/books', {
      token: this.adminToken,
      body: { isbn, title: `Soak Volume ${n}`, authors: ['Soak Writer'], category: 'Fiction', description: 'Written during a soak test.', price: 1500, currency: 'USD', coverUrl: null, rating: 3, year: 2024 },
    });
    if (res.status === 201) this.bookIds.push(res.body.id as string);
  }
}

/** The 13th digit of an ISBN-13 for its first 12. */
function isbn13(first12: string): string {
  const sum = [...first12].reduce((s, d, i) => s + Number(d) * (i % 2 === 0 ? 1 : 3), 0);
  return first12 + ((10 - (sum % 10)) % 10);
}
