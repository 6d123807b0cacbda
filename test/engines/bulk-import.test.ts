import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { completeIsbn13 } from '../../src/domain/isbn.js';
import { startApi, type Account, type ApiHarness } from '../api/harness.js';
import { tempDir } from '../support/temp-dir.js';

// The engines profile's whichever project runs the file, as in faults.test.ts.
vi.hoisted(() => {
  process.env.BOOKSTORE_TEST_PROFILE = 'engines';
});

/**
 * Issue 13, finding 9: `bookstore import` of a large catalog while the server serves puts two writers
 * on every derived store at once (the server's stream poller and the CLI's catch-up), which left the
 * graph projection failing on a non-thread-safe TinkerGraph while status showed lag 0. Here a catalog
 * of BOOKS books is imported by the real CLI in a process of its own while customers befriend each
 * other and buy through the API; every projection must converge with no error, and no status read on
 * the way may say caught up (or a lag of 0) beside an error.
 */
const BOOKS = Number(process.env.BOOKSTORE_BULK_IMPORT_BOOKS || 2500);
/** Orders placed while the import runs, at most: enough to meet it on every store, bounded however slow the machine is. */
const MAX_ROUNDS = 25;
const CONVERGE_MS = 120_000;
const root = fileURLToPath(new URL('../..', import.meta.url));

interface ProjectionJson {
  name: string;
  state: string;
  lagEvents: number;
  lastError: string | null;
  rebuilding: boolean;
}

function catalogFile(dir: string): string {
  // 979 and a run stamp: no ISBN of the API harness (978…) or of an earlier run.
  const stamp = String(Math.floor(Math.random() * 1000)).padStart(3, '0');
  const lines = Array.from({ length: BOOKS }, (_, i) =>
    JSON.stringify({
      isbn: completeIsbn13(`979${stamp}${String(i).padStart(6, '0')}`),
      title: `Bulk Volume ${i} of the Lighthouse Keepers`,
      authors: [`Writer ${i % 97}`],
      category: ['Fiction', 'History', 'Science', 'Poetry'][i % 4],
      description: `Number ${i} of a catalog imported while the store serves.`,
      price: 500 + (i % 50) * 100,
      currency: 'USD',
      rating: (i % 5) + 0.5,
      year: 1950 + (i % 70),
    }),
  );
  const file = join(dir, 'catalog.jsonl');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** `bookstore import` as an operator runs it, against the same engines and names as the server. */
interface Import {
  done: Promise<{ code: number | null; output: string }>;
  output(): string;
  kill(): void;
}

function runImport(api: ApiHarness, file: string): Import {
  const engines = api.store.config.engines!;
  const env = {
    ...process.env,
    BOOKSTORE_PROFILE: 'engines',
    BOOKSTORE_DYNAMODB_TABLE: engines.dynamodbTable,
    BOOKSTORE_OPENSEARCH_ALIAS: engines.opensearchAlias,
    BOOKSTORE_REDIS_PREFIX: engines.redisKeyPrefix,
    BOOKSTORE_GREMLIN_NAMESPACE: engines.gremlinNamespace,
    BOOKSTORE_COGNITO_POOL_NAME: engines.cognitoPoolName,
    BOOKSTORE_LOG_LEVEL: 'warn',
  };
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'import', file], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  return {
    done: new Promise((resolve) => child.once('exit', (code) => resolve({ code, output }))),
    output: () => output,
    kill: () => child.exitCode === null && child.kill('SIGKILL'),
  };
}

describe('a bulk import while the server serves (engines profile)', () => {
  let api: ApiHarness;
  let admin: Account;
  let dir: ReturnType<typeof tempDir>;
  let importer: Import | undefined;
  beforeAll(async () => {
    dir = tempDir('bookstore-bulk-');
    api = await startApi();
    api.store.projections.start();
    admin = await api.admin();
  });
  afterAll(async () => {
    importer?.kill();
    await api?.close();
    dir?.remove();
  });

  it(`converges on every projection with no error after importing ${BOOKS} books, and never reports caught up beside an error`, async () => {
    const statuses: ProjectionJson[][] = [];
    const projections = async (): Promise<ProjectionJson[]> => {
      const res = await api.request('GET', '/api/v1/admin/projections', { token: admin.token });
      expect(res.status).toBe(200);
      statuses.push(res.body.projections);
      return res.body.projections;
    };

    const books = await Promise.all([1, 2, 3].map((n) => api.createBook(admin, { title: `Shelf Favourite ${n}` })));
    importer = runImport(api, catalogFile(dir.path));
    const importing = importer.done;

    // Customers keep befriending and buying while the import runs: graph and bestseller writes from the
    // server's poller meet the CLI's catch-up on the same elements and checkpoints.
    const buyers: Account[] = [];
    let imported: { code: number | null; output: string } | null = null;
    void importing.then((r) => (imported = r));
    for (let round = 0; (imported === null && round < MAX_ROUNDS) || round < 3; round++) {
      const buyer = await api.customer(`Bulk Buyer ${round}`);
      const friend = buyers.at(-1);
      if (friend) {
        expect((await api.request('PUT', `/api/v1/friends/${friend.id}`, { token: buyer.token })).status).toBe(200);
        expect((await api.request('PUT', `/api/v1/friends/${buyer.id}`, { token: friend.token })).status).toBe(200);
      }
      const book = books[round % books.length]!;
      expect((await api.request('PUT', `/api/v1/cart/items/${book.id}`, { token: buyer.token, body: { quantity: 1 } })).status).toBe(200);
      expect((await api.request('POST', '/api/v1/orders', { token: buyer.token, headers: { 'idempotency-key': `bulk-${round}-${buyer.id}` } })).status).toBe(201);
      buyers.push(buyer);
      await projections();
    }
    let timer: NodeJS.Timeout | undefined;
    const result = await Promise.race([
      importing,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`bookstore import did not end within ${CONVERGE_MS / 1000} s of the last order; its output:\n${importer!.output()}`)), CONVERGE_MS);
      }),
    ]).finally(() => clearTimeout(timer));
    const importedAt = Date.now();
    console.error(`bulk import: the CLI ended (exit ${result.code}) after ${buyers.length} orders`);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toMatch(new RegExp(`created:\\s+${BOOKS}\\b`));

    // Every projection converges, with no error left behind.
    const deadline = Date.now() + CONVERGE_MS;
    let last: ProjectionJson[] = [];
    while (Date.now() < deadline) {
      last = await projections();
      if (last.every((p) => p.state === 'caught-up')) break;
      await sleep(500);
    }
    expect(last.map((p) => [p.name, p.state, p.lastError])).toEqual(last.map((p) => [p.name, 'caught-up', null]));
    // For the CI log: the CLI's own figures, and how long the server's runner took after it.
    const summary = result.output.split('\n').filter((l) => /^(created|import seconds|seconds including indexing):/.test(l));
    console.error(`bulk import of ${BOOKS} books: ${summary.map((l) => l.replace(/\s+/g, ' ')).join(', ')}; ${buyers.length} orders during it; converged ${((Date.now() - importedAt) / 1000).toFixed(1)} s after`);

    // The status never said caught up, or a lag of 0, beside an error.
    for (const rows of statuses) {
      for (const p of rows) {
        if (p.lastError !== null) expect(p).toMatchObject({ state: 'failing', lagEvents: expect.any(Number) });
        if (p.lastError !== null) expect(p.lagEvents).toBeGreaterThan(0);
        if (p.state === 'caught-up') expect(p.lastError).toBeNull();
      }
    }

    // The derived stores hold what the record holds.
    expect(await api.store.searchIndex.count()).toBe(BOOKS + books.length);
    const lastBuyer = buyers.at(-1)!;
    const recommended = await api.request('GET', '/api/v1/recommendations', { token: lastBuyer.token });
    expect(recommended.status).toBe(200);
    const bought = books[(buyers.length - 2) % books.length]!.id;
    expect(recommended.body.items.map((i: { book: { id: string } }) => i.book.id)).toContain(bought);
  }, 400_000);
});
