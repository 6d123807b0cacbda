import { mkdirSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp-dir.js';
import { nextIsbn, startApi, type Account, type ApiHarness } from './harness.js';

/**
 * Issue 13: the API tried as a hostile client would. Every family below is generated, each input
 * sent over a raw socket (so paths reach the server exactly as written), and each answer must be a
 * clean 4xx RFC 9457 problem with the security headers (or, for search syntax, a clean 200), with
 * the store unchanged afterwards.
 */

interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

interface Input {
  label: string;
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  token?: string;
}

/** What a file outside the web app would show: package.json, a JWK private key, a PEM key. */
const SECRET_MARKERS = ['"name": "bookstore"', '"kty"', '"d":', 'PRIVATE KEY', '"dependencies"'];

/** A query value as a browser would encode it; null for text no URL can carry (a lone surrogate). */
function queryValue(text: string): string | null {
  try {
    return encodeURIComponent(text);
  } catch {
    return null;
  }
}

let tried = 0;
const defects: string[] = [];

describe('hostile input (issue 13)', () => {
  const web = tempDir('bookstore-hostile-web-');
  let api: ApiHarness;
  let port: number;
  let admin: Account;
  let customer: Account;
  let book: { id: string };
  let realCursor: string;

  function send(input: Input): Promise<RawAnswer> {
    const headers: Record<string, string> = { ...input.headers };
    if (input.token) headers.authorization = `Bearer ${input.token}`;
    if (input.body !== undefined) {
      headers['content-type'] ??= 'application/json';
      headers['content-length'] = String(Buffer.byteLength(input.body));
    }
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, method: input.method, path: input.path, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      });
      req.on('error', reject);
      if (input.body !== undefined) req.write(input.body);
      req.end();
    });
  }

  /** Writes bytes straight to a socket (what no HTTP client would send) and returns the answer. */
  function rawSocket(text: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.write(Buffer.from(text, 'latin1')));
      let answer = '';
      socket.on('data', (c: Buffer) => (answer += c.toString('utf8')));
      socket.on('close', () => resolve(answer));
      socket.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' ? resolve(answer) : reject(e)));
    });
  }

  /**
   * What a wrongly accepted input would change: every committed change (the outbox, on the embedded
   * profile; reading the DynamoDB stream each time would be too slow), the catalog, the cart, the orders.
   */
  async function snapshot(): Promise<string> {
    const [changes, books, categories, cart, orders] = await Promise.all([
      api.store.changeFeed ? api.store.changeFeed.read(0, 1_000_000).then((c) => c.length) : null,
      api.request('GET', '/api/v1/books?limit=100'),
      api.request('GET', '/api/v1/categories'),
      api.request('GET', '/api/v1/cart', { token: customer.token }),
      api.request('GET', '/api/v1/orders?limit=100', { token: customer.token }),
    ]);
    return JSON.stringify({ changes, books: books.body, categories: categories.body, cart: cart.body, orders: orders.body });
  }

  /** The accounts the sign-up inputs of a family would have made: none may exist afterwards. */
  async function accountsMade(inputs: Input[]): Promise<string[]> {
    const made: string[] = [];
    for (const input of inputs) {
      if (input.path !== '/api/v1/auth/signup' || typeof input.body !== 'string') continue;
      let email: unknown;
      try {
        email = (JSON.parse(input.body) as { email?: unknown }).email;
      } catch {
        continue;
      }
      if (typeof email === 'string' && (await api.store.users.findByEmail(email.trim().toLowerCase()))) made.push(email);
    }
    return made;
  }

  function problemDefect(input: Input, res: RawAnswer): string | null {
    const where = `${input.label}: ${input.method} ${input.path.slice(0, 80)}`;
    if (res.status < 400 || res.status > 499) return `${where} answered ${res.status}`;
    if (!String(res.headers['content-type']).startsWith('application/problem+json')) return `${where} answered ${String(res.headers['content-type'])}`;
    if (!res.headers['x-request-id']) return `${where} has no x-request-id`;
    if (!res.headers['content-security-policy']) return `${where} has no CSP`;
    if (res.headers['x-content-type-options'] !== 'nosniff') return `${where} has no nosniff`;
    let body: { status?: unknown; type?: unknown; detail?: unknown };
    try {
      body = JSON.parse(res.text) as typeof body;
    } catch {
      return `${where} is not JSON`;
    }
    if (body.status !== res.status || typeof body.type !== 'string' || typeof body.detail !== 'string') return `${where} is not a problem document`;
    if (SECRET_MARKERS.some((m) => res.text.includes(m))) return `${where} leaks ${res.text.slice(0, 80)}`;
    return null;
  }

  /** Sends every input; each must be a clean 4xx problem, and the store must not change. */
  async function expectRefused(family: string, inputs: Input[], allowed?: (status: number) => boolean): Promise<void> {
    const before = await snapshot();
    const found: string[] = [];
    for (const input of inputs) {
      tried += 1;
      const res = await send(input);
      const defect = problemDefect(input, res) ?? (allowed && !allowed(res.status) ? `${input.label} answered ${res.status}` : null);
      if (defect) found.push(defect);
    }
    const after = await snapshot();
    if (after !== before) found.push(`${family}: the store changed`);
    for (const email of await accountsMade(inputs)) found.push(`${family}: an account was made for ${JSON.stringify(email)}`);
    defects.push(...found);
    expect(found, family).toEqual([]);
  }

  beforeAll(async () => {
    mkdirSync(join(web.path, 'assets'));
    writeFileSync(join(web.path, 'index.html'), '<!doctype html><title>shop</title>');
    writeFileSync(join(web.path, 'assets', 'app-1.js'), 'console.log(1)');
    api = await startApi({ webRoot: web.path });
    port = Number(new URL(api.baseUrl).port);
    admin = await api.admin();
    customer = await api.customer();
    book = await api.createBook(admin, { title: 'Dune', authors: ['Frank Herbert'], category: 'Science Fiction' });
    await api.createBook(admin, { title: 'Emma', category: 'Classics' });
    await api.createBook(admin, { title: 'Ulysses', category: 'Classics' });
    const put = await api.request('PUT', `/api/v1/cart/items/${book.id}`, { token: customer.token, body: { quantity: 1 } });
    expect(put.status).toBe(200);
    const page = await api.request('GET', '/api/v1/books?limit=1');
    realCursor = page.body.nextCursor as string;
  });

  afterAll(async () => {
    console.log(`hostile-input: ${tried} inputs tried, ${defects.length} defects`);
    await api.close();
    web.remove();
  });

  it('finding 1: refuses non-finite and non-decimal numbers in every numeric query parameter', async () => {
    const params: Array<[string, string, boolean]> = [
      ['/api/v1/books', 'limit', false],
      ['/api/v1/orders', 'limit', true],
      ['/api/v1/search', 'limit', false],
      ['/api/v1/search', 'minPrice', false],
      ['/api/v1/search', 'maxPrice', false],
      ['/api/v1/search', 'minRating', false],
      ['/api/v1/bestsellers', 'limit', false],
    ];
    const values = ['1e400', '-1e400', '1e308', 'Infinity', '-Infinity', 'NaN', '0x10', '0b11', '1e99999', '9'.repeat(400), '1_000', '%205', '5%20', '+5', '--1', '1.5.5', '', '1e', '.5', '5.'];
    const inputs = params.flatMap(([path, name, signedIn]) =>
      values.map((v) => ({ label: `${name}=${v.slice(0, 12)}`, method: 'GET', path: `${path}?${name}=${v}`, ...(signedIn ? { token: customer.token } : {}) })),
    );
    await expectRefused('numbers in queries', inputs, (s) => s === 400);
  });

  it('finding 1: refuses numbers JSON turns into Infinity in bodies', async () => {
    const huge = ['1e400', '-1e400', '1e999999', '-0.1e400'];
    const inputs: Input[] = [
      ...huge.map((n) => ({ label: `quantity ${n}`, method: 'PUT', path: `/api/v1/cart/items/${book.id}`, token: customer.token, body: `{"quantity": ${n}}` })),
      ...['price', 'rating', 'year'].flatMap((field) =>
        huge.map((n) => ({
          label: `${field} ${n}`,
          method: 'PATCH',
          path: `/api/v1/books/${book.id}`,
          token: admin.token,
          headers: { 'if-match': `"${book.id}.v1"` },
          body: `{"${field}": ${n}}`,
        })),
      ),
    ];
    await expectRefused('numbers in bodies', inputs, (s) => s === 400);
  });

  const hostileText = [
    ['NUL', 'Ada\u0000Lovelace'],
    ['only NUL', '\u0000'],
    ['SOH', 'a\u0001b'],
    ['ESC', 'a\u001b[31mred'],
    ['DEL', 'a\u007fb'],
    ['NEL (C1)', 'a\u0085b'],
    ['C1 CSI', 'a\u009bb'],
    ['line separator', 'a\u2028b'],
    ['lone high surrogate', 'a\ud800b'],
    ['lone low surrogate', 'a\udc00b'],
    ['reversed pair', '\udc00\ud800'],
    ['noncharacter FFFE', 'a\ufffeb'],
    ['noncharacter FDD0', 'a\ufdd0b'],
    ['zero-width space only', '\u200b'],
    ['zero-width joiners only', '\u200d\u200c\u200d'],
    ['BOM only', '\ufeff'],
    ['bidi override', 'abc\u202egpj.exe'],
    ['NBSP and ZWSP only', '\u00a0\u200b\u3000'],
    ['variation selector only', '\ufe0f'],
    ['Hangul filler only', '\u3164'],
  ] as const;

  it('finding 4: refuses control characters, lone surrogates, noncharacters and invisible-only text in every free-text field', async () => {
    const visible = hostileText;
    const anyText = hostileText.filter(([label]) => !/only|bidi/.test(label));
    const address = { name: 'Ada', line1: '1 Main St', city: 'London', postalCode: 'SW1', country: 'GB' };
    const inputs: Input[] = [];
    let n = 0;
    const body = (value: unknown) => JSON.stringify(value);
    for (const [label, text] of visible) {
      n += 1;
      inputs.push({ label: `sign-up name ${label}`, method: 'POST', path: '/api/v1/auth/signup', body: body({ email: `hostile${n}@example.com`, password: 'correct horse battery', name: text }) });
      inputs.push({ label: `sign-up email ${label}`, method: 'POST', path: '/api/v1/auth/signup', body: body({ email: `h${text}${n}@example.com`, password: 'correct horse battery', name: 'Ada' }) });
      for (const field of ['title', 'category']) {
        inputs.push({ label: `book ${field} ${label}`, method: 'POST', path: '/api/v1/books', token: admin.token, body: body({ isbn: nextIsbn(), title: 'T', authors: ['A'], category: 'C', price: 100, currency: 'USD', rating: 3, year: 2000, [field]: text }) });
      }
      inputs.push({ label: `book author ${label}`, method: 'POST', path: '/api/v1/books', token: admin.token, body: body({ isbn: nextIsbn(), title: 'T', authors: ['A', text], category: 'C', price: 100, currency: 'USD', rating: 3, year: 2000 }) });
      for (const field of ['name', 'line1', 'city', 'postalCode'] as const) {
        inputs.push({ label: `address ${field} ${label}`, method: 'POST', path: '/api/v1/orders', token: customer.token, headers: { 'idempotency-key': `hostile-${field}-${n}` }, body: body({ shippingAddress: { ...address, [field]: text } }) });
      }
      const q = queryValue(text);
      if (q !== null) {
        inputs.push({ label: `people q ${label}`, method: 'GET', path: `/api/v1/users?q=${q}`, token: customer.token });
        inputs.push({ label: `category query ${label}`, method: 'GET', path: `/api/v1/books?category=${q}` });
      }
    }
    for (const [label, text] of anyText) {
      n += 1;
      inputs.push({ label: `description ${label}`, method: 'PATCH', path: `/api/v1/books/${book.id}`, token: admin.token, headers: { 'if-match': `"${book.id}.v1"` }, body: body({ description: text }) });
      const q = queryValue(text);
      if (q !== null) {
        inputs.push({ label: `search q ${label}`, method: 'GET', path: `/api/v1/search?q=${q}` });
        inputs.push({ label: `suggest q ${label}`, method: 'GET', path: `/api/v1/search/suggest?q=${q}` });
      }
      inputs.push({ label: `password ${label}`, method: 'POST', path: '/api/v1/auth/signup', body: body({ email: `pw${n}@example.com`, password: `correct horse ${text}`, name: 'Ada' }) });
      inputs.push({ label: `address line2 ${label}`, method: 'POST', path: '/api/v1/orders', token: customer.token, headers: { 'idempotency-key': `hostile-line2-${n}` }, body: body({ shippingAddress: { ...address, line2: text } }) });
    }
    await expectRefused('text', inputs, (s) => s === 400);
  });

  it('finding 4: refuses raw invalid UTF-8 instead of storing U+FFFD', async () => {
    const sequences: Array<[string, number[]]> = [
      ['overlong slash', [0xc0, 0xaf]],
      ['lone continuation', [0x80]],
      ['FF byte', [0xff]],
      ['encoded surrogate', [0xed, 0xa0, 0x80]],
      ['truncated euro', [0xe2, 0x82]],
      ['overlong NUL', [0xe0, 0x80, 0x80]],
      ['beyond U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
    ];
    const bodies = (bytes: number[]) => ({
      signup: Buffer.concat([Buffer.from('{"email":"bad-utf8@example.com","password":"correct horse battery","name":"Ada'), Buffer.from(bytes), Buffer.from('"}')]),
      book: Buffer.concat([Buffer.from('{"title":"Dune'), Buffer.from(bytes), Buffer.from('"}')]),
      cart: Buffer.concat([Buffer.from('{"quantity":1,"x":"'), Buffer.from(bytes), Buffer.from('"}')]),
    });
    const inputs = sequences.flatMap(([label, bytes]) => {
      const b = bodies(bytes);
      return [
        { label: `sign-up ${label}`, method: 'POST', path: '/api/v1/auth/signup', body: b.signup },
        { label: `book ${label}`, method: 'PATCH', path: `/api/v1/books/${book.id}`, token: admin.token, headers: { 'if-match': `"${book.id}.v1"` }, body: b.book },
        { label: `cart ${label}`, method: 'PUT', path: `/api/v1/cart/items/${book.id}`, token: customer.token, body: b.cart },
        { label: `query ${label}`, method: 'GET', path: `/api/v1/search?q=${bytes.map((x) => `%${x.toString(16).toUpperCase()}`).join('')}` },
      ];
    });
    await expectRefused('invalid UTF-8', inputs, (s) => s === 400);
  });

  it('refuses deep JSON without a stack overflow', async () => {
    const depths = [17, 100, 1_000, 100_000];
    const nested = (depth: number, open: string, close: string) => `{"quantity":${open.repeat(depth)}1${close.repeat(depth)}}`;
    const inputs = depths.flatMap((d) => [
      { label: `arrays ${d}`, method: 'PUT', path: `/api/v1/cart/items/${book.id}`, token: customer.token, body: nested(d, '[', ']') },
      { label: `objects ${d}`, method: 'PUT', path: `/api/v1/cart/items/${book.id}`, token: customer.token, body: nested(d, '{"a":', '}') },
      { label: `sign-up arrays ${d}`, method: 'POST', path: '/api/v1/auth/signup', body: `{"name":${'['.repeat(d)}${']'.repeat(d)}}` },
    ]);
    await expectRefused('deep JSON', inputs, (s) => s === 400 || s === 413);
  });

  it('refuses compressed request bodies (a gzip bomb is never inflated) with 415', async () => {
    const bomb = gzipSync(Buffer.alloc(10 * 1024 * 1024, 0x20));
    const encodings: Array<[string, Buffer]> = [
      ['gzip', bomb],
      ['deflate', deflateSync(Buffer.from('{"quantity":1}'))],
      ['br', Buffer.from([0x0b, 0x02, 0x80])],
      ['gzip, identity', bomb],
      ['x-gzip', bomb],
      ['compress', Buffer.from('x')],
    ];
    const inputs = encodings.flatMap(([coding, body]) => [
      { label: `cart ${coding}`, method: 'PUT', path: `/api/v1/cart/items/${book.id}`, token: customer.token, headers: { 'content-encoding': coding }, body },
      { label: `sign-up ${coding}`, method: 'POST', path: '/api/v1/auth/signup', headers: { 'content-encoding': coding }, body },
      { label: `book ${coding}`, method: 'POST', path: '/api/v1/books', token: admin.token, headers: { 'content-encoding': coding }, body },
    ]);
    await expectRefused('compressed bodies', inputs, (s) => s === 415);
  });

  it('finding 2 and 3: answers path tricks and router failures with a problem, never a 500 or a file outside the app', async () => {
    const paths = [
      '/%2e%2e',
      '/%2e%2e/%2e%2e/package.json',
      '/%2E%2E%2Fpackage.json',
      '/index.html%00.js',
      '/%00',
      '/assets/app-1.js%00',
      '/..%5c..%5cpackage.json',
      '/..\\..\\package.json',
      '/../../data/jwt-signing-key.json',
      '/../package.json',
      '/assets/../../package.json',
      '/assets/..%2f..%2fpackage.json',
      '/assets/%2e%2e/%2e%2e/package.json',
      '/./index.html',
      '/%C0%AF',
      '/%C0%AE%C0%AE/package.json',
      '/%ZZ',
      '/%',
      '/%E2%80',
      '/api/v1/books/%C0%AF',
      '/api/v1/books/%ZZ',
      '/api/v1/books/..',
      '/api/v1/books/%2e%2e',
      '/api/v1/books/a%2fb',
      '/api/v1/books/%00',
      '/api/v1/books/a%5cb',
      `/api/v1/books/${'a'.repeat(201)}`,
      `/api/v1/orders/${'a'.repeat(500)}`,
      '/docs/%2e%2e/%2e%2e/package.json',
      '/.well-known/%2e%2e/package.json',
    ];
    const inputs: Input[] = paths.flatMap((path) => [
      { label: 'GET', method: 'GET', path, headers: { accept: 'text/html' } },
      { label: 'GET json', method: 'GET', path },
    ]);
    for (const method of ['PUT', 'PATCH', 'DELETE', 'POST']) {
      inputs.push({ label: `${method} long id`, method, path: `/api/v1/books/${'b'.repeat(250)}`, token: admin.token, headers: { 'if-match': '*' }, body: '{}' });
      inputs.push({ label: `${method} bad UTF-8 id`, method, path: '/api/v1/cart/items/%C0%AF', token: customer.token, body: '{"quantity":1}' });
    }
    await expectRefused('paths', inputs);
  });

  it('finding 6: answers TRACE and other unanswered methods with 405 and Allow', async () => {
    const paths = ['/api/v1/books', `/api/v1/books/${book.id}`, '/api/v1/cart', '/', '/api/v1/no-such-thing'];
    const inputs = paths.flatMap((path) => ['TRACE', 'OPTIONS', 'PROPFIND'].map((method) => ({ label: method, method, path })));
    await expectRefused('methods', inputs, (s) => s === 405 || s === 404);
    const trace = await send({ label: 'TRACE', method: 'TRACE', path: '/api/v1/books' });
    expect(trace.status).toBe(405);
    expect(trace.headers.allow).toBe('GET, HEAD, POST');
  });

  it('answers query-syntax characters in search as text: 200, never an engine error', async () => {
    const queries = ['"', '""', '"unterminated', '*', '**', 'a*', '*a', 'NEAR', 'NEAR(dune emma)', 'dune NEAR/2 emma', '(', ')', '((((', 'dune AND', 'OR', 'NOT', 'AND OR NOT', '-', '-dune', '^dune', ':', 'title:dune', '{dune}', '[dune]', "'", "'; DROP TABLE books; --", '\\', '%', '_', 'dune OR emma AND NOT ulysses', '"dune" * "emma"', 'dune"', '+', '~', '!', '?', 'a:b:c', 'col:*', '<mark>x</mark>', '\t', ' '];
    const before = await snapshot();
    const found: string[] = [];
    for (const q of queries) {
      for (const path of [`/api/v1/search?q=${encodeURIComponent(q)}`, `/api/v1/search/suggest?q=${encodeURIComponent(q)}`]) {
        tried += 1;
        const res = await send({ label: q, method: 'GET', path });
        if (res.status !== 200 || !String(res.headers['content-type']).startsWith('application/json') || !res.headers['x-request-id']) found.push(`${path} answered ${res.status}`);
      }
    }
    if ((await snapshot()) !== before) found.push('search changed the store');
    defects.push(...found);
    expect(found).toEqual([]);
  });

  it('refuses crafted and tampered cursors with a problem naming the cursor', async () => {
    const tampered = realCursor.slice(0, -2) + (realCursor.endsWith('A') ? 'BB' : 'AA');
    const crafted = [
      'garbage',
      tampered,
      realCursor.slice(0, 5),
      `${realCursor}x`,
      Buffer.from('{"offset":-1}').toString('base64url'),
      Buffer.from('{"offset":1e400}').toString('base64url'),
      Buffer.from('["a","b","c","d"]').toString('base64url'),
      Buffer.from('[]').toString('base64url'),
      Buffer.from('null').toString('base64url'),
      Buffer.from('\u0000\u0000').toString('base64url'),
      'x'.repeat(513),
      '%00',
      '..',
      '==',
    ];
    const inputs = crafted.flatMap((c) => [
      { label: `books cursor ${c.slice(0, 10)}`, method: 'GET', path: `/api/v1/books?cursor=${encodeURIComponent(c)}` },
      { label: `search cursor ${c.slice(0, 10)}`, method: 'GET', path: `/api/v1/search?q=dune&cursor=${encodeURIComponent(c)}` },
      { label: `orders cursor ${c.slice(0, 10)}`, method: 'GET', path: `/api/v1/orders?cursor=${encodeURIComponent(c)}`, token: customer.token },
    ]);
    await expectRefused('cursors', inputs, (s) => s === 400 || s === 422);
  });

  it('refuses long headers, huge query strings, duplicate and unknown parameters', async () => {
    const inputs: Input[] = [
      { label: 'long bearer', method: 'GET', path: '/api/v1/cart', headers: { authorization: `Bearer ${'a'.repeat(8000)}` } },
      { label: 'bearer with spaces', method: 'GET', path: '/api/v1/cart', headers: { authorization: 'Bearer a b c' } },
      { label: 'basic auth', method: 'GET', path: '/api/v1/cart', headers: { authorization: 'Basic YTpi' } },
      { label: 'long If-Match', method: 'PATCH', path: `/api/v1/books/${book.id}`, token: admin.token, headers: { 'if-match': `"${'x'.repeat(5000)}"` }, body: '{"price":1}' },
      { label: 'long Idempotency-Key', method: 'POST', path: '/api/v1/orders', token: customer.token, headers: { 'idempotency-key': 'k'.repeat(4000) }, body: '{}' },
      { label: 'long If-None-Match', method: 'GET', path: `/api/v1/books/${book.id}`, headers: { 'if-none-match': `"${'x'.repeat(5000)}"` } },
      { label: 'huge query', method: 'GET', path: `/api/v1/search?q=${'a'.repeat(5000)}` },
      { label: 'huge path', method: 'GET', path: `/${'a/'.repeat(3000)}` },
      { label: 'many params', method: 'GET', path: `/api/v1/books?${Array.from({ length: 300 }, (_, i) => `p${i}=1`).join('&')}` },
      { label: 'duplicate limit', method: 'GET', path: '/api/v1/books?limit=1&limit=2' },
      { label: 'duplicate q', method: 'GET', path: '/api/v1/search?q=a&q=b' },
      { label: 'duplicate cursor', method: 'GET', path: '/api/v1/books?cursor=a&cursor=b' },
      { label: 'array syntax', method: 'GET', path: '/api/v1/books?limit[]=1' },
      { label: 'object syntax', method: 'GET', path: '/api/v1/books?limit[a]=1' },
      { label: 'unknown param', method: 'GET', path: '/api/v1/books?__proto__=1' },
      { label: 'constructor param', method: 'GET', path: '/api/v1/search?constructor=1' },
    ];
    await expectRefused('headers and queries', inputs);
  });

  it('answers what the HTTP parser refuses (headers over 16 KiB, a broken request line) as a problem too', async () => {
    const inputs: Input[] = [
      { label: 'one 20 KiB header', method: 'GET', path: '/api/v1/books', headers: { 'x-padding': 'p'.repeat(20 * 1024) } },
      { label: 'many headers', method: 'GET', path: '/api/v1/books', headers: Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`x-h${i}`, 'v'.repeat(60)])) },
      { label: '20 KiB cookie', method: 'GET', path: '/api/v1/cart', token: customer.token, headers: { cookie: 'c'.repeat(20 * 1024) } },
    ];
    await expectRefused('oversized headers', inputs, (s) => s === 431);
    const before = await snapshot();
    const rawBytes = ['/api/v1/search?q=\xc0\xaf', '/api/v1/search?q=caf\xe9', '/api/v1/books/\xff', '/\xc3\xa9'].map((path) => `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    for (const line of [...rawBytes, 'GARBAGE\r\n\r\n', 'GET /api/v1/books HTTP/9.9\r\n\r\n', 'GET /api/v1/books HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n', 'GET\u0000 / HTTP/1.1\r\n\r\n']) {
      tried += 1;
      const answer = await rawSocket(line);
      const defect = !/^HTTP\/1\.1 4\d\d /.test(answer) || !/content-type: application\/problem\+json/i.test(answer) || !/x-content-type-options: nosniff/i.test(answer) || !/x-request-id: /i.test(answer);
      if (defect) defects.push(`raw ${JSON.stringify(line)} answered ${answer.slice(0, 80)}`);
      expect(defect, answer.slice(0, 200)).toBe(false);
    }
    expect(await snapshot()).toBe(before);
  });

  it('refuses wrong content types and prototype pollution', async () => {
    const types = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/octet-stream', 'text/json'];
    const targets: Input[] = [
      { label: 'sign-up', method: 'POST', path: '/api/v1/auth/signup', body: '{"email":"ct@example.com","password":"correct horse battery","name":"Ada"}' },
      { label: 'cart', method: 'PUT', path: `/api/v1/cart/items/${book.id}`, token: customer.token, body: '{"quantity":2}' },
      { label: 'book', method: 'PATCH', path: `/api/v1/books/${book.id}`, token: admin.token, headers: { 'if-match': '*' }, body: '{"price":1}' },
    ];
    const inputs: Input[] = targets.flatMap((t) => types.map((type) => ({ ...t, label: `${t.label} as ${type}`, headers: { ...t.headers, 'content-type': type } })));
    const poisons = ['{"__proto__":{"role":"admin"},"quantity":2}', '{"constructor":{"prototype":{"role":"admin"}},"quantity":2}', '{"quantity":2,"__proto__":null}'];
    for (const t of targets) {
      for (const p of poisons) inputs.push({ ...t, label: `${t.label} poisoned`, body: p });
      inputs.push({ ...t, label: `${t.label} not JSON`, body: '{"quantity":' });
      inputs.push({ ...t, label: `${t.label} empty`, body: '' });
      inputs.push({ ...t, label: `${t.label} array`, body: '[]' });
      inputs.push({ ...t, label: `${t.label} string`, body: '"x"' });
    }
    await expectRefused('content types', inputs);
  });

  it('finding 6: If-Match per RFC 9110: a weak ETag never matches, the list form and * do', async () => {
    const b = await api.createBook(admin, { title: 'Precondition' });
    const weak = await api.request('PATCH', `/api/v1/books/${b.id}`, { token: admin.token, headers: { 'if-match': `W/"${b.id}.v1"` }, body: { price: 1 } });
    expect(weak.status).toBe(412);
    const list = await api.request('PATCH', `/api/v1/books/${b.id}`, { token: admin.token, headers: { 'if-match': `"x", "${b.id}.v1"` }, body: { price: 2 } });
    expect(list.status).toBe(200);
    expect(list.headers.get('etag')).toBe(`"${b.id}.v2"`);
    const staleList = await api.request('PATCH', `/api/v1/books/${b.id}`, { token: admin.token, headers: { 'if-match': `"${b.id}.v1", "other.v2"` }, body: { price: 3 } });
    expect(staleList.status).toBe(412);
    const any = await api.request('PATCH', `/api/v1/books/${b.id}`, { token: admin.token, headers: { 'if-match': '*' }, body: { price: 4 } });
    expect(any.status).toBe(200);
    const missing = await api.request('DELETE', `/api/v1/books/${b.id}`, { token: admin.token });
    expect(missing.status).toBe(428);
  });

  it('finding 6: the sign-in and sign-up answers are never cached', async () => {
    const signup = await api.request('POST', '/api/v1/auth/signup', { body: { email: 'nostore@example.com', password: 'correct horse battery', name: 'No Store' } });
    expect(signup.status).toBe(201);
    expect(signup.headers.get('cache-control')).toBe('no-store');
    const login = await api.request('POST', '/api/v1/auth/login', { body: { email: 'nostore@example.com', password: 'correct horse battery' } });
    expect(login.status).toBe(200);
    expect(login.headers.get('cache-control')).toBe('no-store');
  });

  it('finding 7: a cart holds one currency: a book in another is refused with 409 mixed-currency', async () => {
    const shopper = await api.customer('Shopper');
    const eur = await api.createBook(admin, { currency: 'EUR', price: 1000 });
    const usd = await api.createBook(admin, { currency: 'USD', price: 2000 });
    const jpy = await api.createBook(admin, { currency: 'JPY', price: 3000 });
    expect((await api.request('PUT', `/api/v1/cart/items/${eur.id}`, { token: shopper.token, body: { quantity: 1 } })).status).toBe(200);
    for (const other of [usd, jpy]) {
      const res = await api.request('PUT', `/api/v1/cart/items/${other.id}`, { token: shopper.token, body: { quantity: 1 } });
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('mixed-currency');
    }
    const cart = await api.request('GET', '/api/v1/cart', { token: shopper.token });
    expect(cart.body).toMatchObject({ itemCount: 1, subtotal: 1000, currency: 'EUR' });
    // The catalog may still move a book in the cart to another currency: then no subtotal is claimed.
    const etag = `"${eur.id}.v1"`;
    expect((await api.request('PUT', `/api/v1/cart/items/${eur.id}`, { token: shopper.token, body: { quantity: 2 } })).status).toBe(200);
    await api.createBook(admin, { currency: 'EUR', price: 500 }).then((second) => api.request('PUT', `/api/v1/cart/items/${second.id}`, { token: shopper.token, body: { quantity: 1 } }));
    expect((await api.request('PATCH', `/api/v1/books/${eur.id}`, { token: admin.token, headers: { 'if-match': etag }, body: { currency: 'USD' } })).status).toBe(200);
    const mixed = await api.request('GET', '/api/v1/cart', { token: shopper.token });
    expect(mixed.body).toMatchObject({ itemCount: 3, subtotal: 0, currency: null });
  });

  it('finding 5: reports every validation error of a request at once', async () => {
    const res = await api.request('POST', '/api/v1/books', { token: admin.token, body: { isbn: 'x', title: '', authors: [], price: -1, currency: 'usd', rating: 9, year: 1e6, extra: 1 } });
    expect(res.status).toBe(400);
    const fields = (res.body.errors as Array<{ field: string }>).map((e) => e.field).sort();
    expect(fields).toEqual(['authors', 'category', 'currency', 'extra', 'isbn', 'price', 'rating', 'title', 'year']);
  });

  it('finding 5: bounds the errors one answer lists, however many fields are wrong', async () => {
    const keys = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`k${i}`, i]));
    const res = await api.request('POST', '/api/v1/auth/signup', { body: keys });
    expect(res.status).toBe(400);
    expect(res.body.errors.length).toBe(51);
    expect(res.body.errors.at(-1).detail).toMatch(/^and \d+ more errors$/);
  });

  it('finding 5: the OpenAPI document is the contract: shared components, operationIds, problem+json errors, required headers', async () => {
    const doc = (await api.request('GET', '/api/v1/openapi.json')).body;
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['Problem', 'Book', 'Cart', 'Order', 'User', 'PublicUser', 'ShippingAddress']));
    const operations = Object.values<Record<string, any>>(doc.paths).flatMap((item) => Object.values(item));
    expect(operations.length).toBeGreaterThanOrEqual(25);
    const ids = operations.map((op) => op.operationId);
    expect(ids.every((id) => typeof id === 'string')).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    for (const op of operations) {
      for (const [status, response] of Object.entries<any>(op.responses)) {
        expect(response.description, `${op.operationId} ${status}`).not.toBe('Default Response');
        if (status.startsWith('4') || status.startsWith('5')) expect(Object.keys(response.content)).toEqual(['application/problem+json']);
      }
    }
    // The book schema is written once: every other place refers to it (only the two request bodies define an isbn).
    expect(JSON.stringify(doc.paths).match(/"isbn":\{/g)?.length ?? 0).toBe(2);
    const header = (path: string, method: string, name: string) => doc.paths[path][method].parameters.find((p: any) => p.in === 'header' && p.name === name);
    expect(header('/api/v1/orders', 'post', 'idempotency-key').required).toBe(true);
    expect(header('/api/v1/books/{id}', 'patch', 'if-match').required).toBe(true);
    expect(header('/api/v1/books/{id}', 'delete', 'if-match').required).toBe(true);
    expect(doc.components.schemas.Book.properties.currency.pattern).toBe('^[A-Z]{3}$');
    // Nullable fields are written as type lists for the serializer's sake; the document says the same as a union did.
    expect(doc.components.schemas.Book.properties.coverUrl).toEqual({ type: 'string', nullable: true });
    expect(doc.components.schemas.Book.properties.stock).toMatchObject({ type: 'integer', minimum: 0, nullable: true });
    expect(doc.paths['/api/v1/search'].get.responses['200'].content['application/json'].schema.properties.nextCursor).toEqual({ type: 'string', nullable: true });
    const cursor = doc.paths['/api/v1/books'].get.parameters.find((p: any) => p.name === 'cursor');
    expect(cursor.description ?? cursor.schema.description).toMatch(/[Oo]paque/);
  });
});
