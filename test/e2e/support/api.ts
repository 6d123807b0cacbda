/** Setting the scene through the API (other people, other admins), while the browser plays the customer. */

export const PASSWORD = 'correct horse battery staple';

let counter = 0;

export interface Person {
  id: string;
  name: string;
  email: string;
  token: string;
}

export class StoreApi {
  constructor(readonly baseUrl: string) {}

  async call<T = any>(method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<{ status: number; body: T; headers: Headers }> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(this.baseUrl + path, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T, headers: res.headers };
  }

  async ok<T = any>(method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<T> {
    const res = await this.call<T>(method, path, options);
    if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  }

  static uniqueEmail(prefix: string): string {
    counter += 1;
    return `${prefix}.${process.pid}.${Date.now()}.${counter}@example.com`;
  }

  async signIn(email: string, password: string): Promise<string> {
    return (await this.ok<{ accessToken: string }>('POST', '/api/v1/auth/login', { body: { email, password } })).accessToken;
  }

  async signUp(name: string): Promise<Person> {
    const email = StoreApi.uniqueEmail(name.toLowerCase().replace(/\W+/g, '.'));
    const { user } = await this.ok<{ user: { id: string } }>('POST', '/api/v1/auth/signup', { body: { name, email, password: PASSWORD } });
    return { id: user.id, name, email, token: await this.signIn(email, PASSWORD) };
  }

  async createBook(adminToken: string, fields: Record<string, unknown>): Promise<{ id: string; title: string; price: number }> {
    counter += 1;
    const isbnBody = `979${String(process.pid % 100000).padStart(5, '0')}${String(counter).padStart(4, '0')}`;
    return this.ok('POST', '/api/v1/books', {
      token: adminToken,
      body: { isbn: isbn13(isbnBody), authors: ['E2E Author'], category: 'Fiction', description: 'A book made for the end-to-end tests.', currency: 'USD', rating: 4.2, year: 2020, ...fields },
    });
  }

  /** Puts books in a person's cart and checks out. */
  async buy(person: Person, bookId: string, quantity: number): Promise<void> {
    await this.ok('PUT', `/api/v1/cart/items/${bookId}`, { token: person.token, body: { quantity } });
    await this.ok('POST', '/api/v1/orders', { token: person.token, headers: { 'idempotency-key': `e2e-${Date.now()}-${(counter += 1)}` }, body: {} });
  }
}

function isbn13(first12: string): string {
  const sum = [...first12].reduce((acc, d, i) => acc + Number(d) * (i % 2 === 0 ? 1 : 3), 0);
  return first12 + String((10 - (sum % 10)) % 10);
}
