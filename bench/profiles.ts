/**
 * `npm run bench:profiles`: the embedded and the engines profile side by side, in one run, on the
 * same seeded store.
 *
 * 1. For each profile: seeds a fresh store with `bookstore seed` (same sizes, same seed) and makes an
 *    admin (on the engines profile the store gets names of its own on the running engines: table,
 *    index alias, Redis prefix, graph namespace, user pool, removed again at the end), catches the
 *    projections up, showing progress, and starts `bookstore serve` as its own process.
 * 2. Rounds (--rounds, 3), alternating between the two servers: each drives one server with
 *    autocannon at a fixed number of connections through book reads, a fixed mixed search query
 *    set, bestsellers, recommendations for the signed-in demo customer, and checkout (cart + POST
 *    /orders with an Idempotency-Key). Each figure is the median of its rounds, so a stretch of a
 *    busier machine weighs on both profiles alike.
 * 3. For each profile, change-to-searchable lag: creates books through the admin API one at a time
 *    and polls search until each appears.
 * Then prints a table with the ratio engines/embedded per request type and writes it between the
 * profiles markers in docs/benchmarks.md.
 *
 * The engines must be running (`npm run engines -- up`). Options: --books N (default 1000),
 * --users N (100), --orders N (100), --duration S per scenario (10), --lag-samples N (50),
 * --connections N (10), --rounds N (3), --only embedded|engines (no doc write), --no-build, --no-write,
 * --shared-dynamodb (use the running DynamoDB Local instead of a fresh one of the run's own),
 * --scenarios books,search,bestsellers,recommendations,checkout (some of them; no doc write),
 * --cpu-prof DIR (the server writes a V8 CPU profile there when it stops).
 *
 * The default sizes are what the engines profile can seed within the run's ~15 minutes on a 2-core
 * machine: DynamoDB Local answers a stream-enabled table one request at a time, a few ms each. The
 * engines profile gets a DynamoDB Local of its own, started fresh, because one that has served test
 * suites is many times slower (see bench/private-dynamodb-local.ts).
 */
import { DynamoDBClient, GetItemCommand, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import gremlin from 'gremlin';
import { Redis } from 'ioredis';
import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadEnginesConfig, type Profile } from '../src/config.js';
import { bookIsbn } from '../src/cli/seed/demo-data.js';
import { removeEngineResources } from '../test/support/engine-resources.js';
import { startPrivateDynamoDbLocal, type PrivateDynamoDbLocal } from './private-dynamodb-local.js';
import { api, bookIds, checkoutRequests, load, mixedSearchQueries, percentile, root, rotate, runCli, signIn, startServer, step, type Row } from './harness.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const BOOKS = option('books', 1000);
const USERS = option('users', 100);
const ORDERS = option('orders', 100);
const DURATION = option('duration', 10);
const LAG_SAMPLES = option('lag-samples', 50);
const CONNECTIONS = option('connections', 10);
/** Rounds of every scenario per profile, alternating between the profiles; figures are medians. */
const ROUNDS = option('rounds', 3);
const SEED = 42;
/** Off by default: a DynamoDB Local that has served test suites is slower (bench/private-dynamodb-local.ts). */
const SHARED_DYNAMODB = args.includes('--shared-dynamodb');
const SCENARIOS = ['books', 'search', 'bestsellers', 'recommendations', 'checkout'] as const;
const chosen = args.includes('--scenarios') ? args[args.indexOf('--scenarios') + 1]!.split(',') : [...SCENARIOS];
const unknownScenario = chosen.find((c) => !(SCENARIOS as readonly string[]).includes(c));
if (unknownScenario) throw new Error(`unknown scenario "${unknownScenario}"; known: ${SCENARIOS.join(', ')}`);
const runs = (scenario: (typeof SCENARIOS)[number]) => chosen.includes(scenario);
/** Where the server writes a V8 CPU profile when it stops (open it in Chrome's DevTools). */
const CPU_PROFILE_DIR = args.includes('--cpu-prof') ? args[args.indexOf('--cpu-prof') + 1] : undefined;
const only = args.includes('--only') ? (args[args.indexOf('--only') + 1] as Profile) : null;
const PROFILES: Profile[] = only ? [only] : ['embedded', 'engines'];
/** A book not searchable this long after its write counts as missing (and fails the run). */
const LAG_GIVE_UP_MS = 30_000;
const LAG_POLL_MS = 20;

interface Lag {
  samples: number;
  /** From sending the POST to the first search answer that holds the book. */
  p50: number;
  p99: number;
  max: number;
  /** The POST alone (the write to the system of record). */
  writeP50: number;
  writeP99: number;
  /**
   * Engines only: from the POST's answer until OpenSearch holds the document (a realtime GET, before
   * any refresh), i.e. stream, poller and the projection's bulk request; the rest is the refresh and the search.
   */
  indexedP50?: number;
  indexedP99?: number;
}

interface Delivery {
  name: string;
  samples: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

interface ProfileResult {
  profile: Profile;
  seedSeconds: number;
  /** Seconds per seed phase (books, users, friendships, orders), from the seed's own progress lines. */
  seedPhases: Record<string, number>;
  catchUpSeconds: number;
  serverStartSeconds: number;
  /** Each scenario's median over the rounds. */
  rows: Row[];
  /** Each round's rows, in round order. */
  rounds: Row[][];
  /** Seconds the projections needed to finish what the checkout run wrote, before the lag samples. */
  settleSeconds: number;
  lag: Lag;
  /** Commit-to-apply delays of each projection over the minute ending with the lag samples. */
  delivery: Delivery[];
  /** Engines only: what the engines themselves cost, to tell where the time goes. */
  probes: string[];
}

/** Fresh names on the shared engines, so the bench never meets a test's data (or a previous run's). */
function enginesNames(): Record<string, string> {
  const name = `bench-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  return {
    BOOKSTORE_DYNAMODB_TABLE: name,
    BOOKSTORE_OPENSEARCH_ALIAS: name,
    BOOKSTORE_REDIS_PREFIX: name,
    BOOKSTORE_GREMLIN_NAMESPACE: name,
    BOOKSTORE_COGNITO_POOL_NAME: name,
  };
}

/** Each phase's "label: n/n (100%) done in S s" line, as the seed prints it when stderr is not a terminal. */
function seedPhases(stderr: string): Record<string, number> {
  const phases: Record<string, number> = {};
  for (const m of stderr.matchAll(/^(books|users|friendships|orders): .* done in ([\d.]+) s$/gm)) phases[m[1]!] = Number(m[2]);
  return phases;
}

/**
 * Runs the projections to the end of the change feed in this process, with a line every 5 s. It loads
 * the compiled store, the same code the CLI and the server run, so all three agree on index mappings.
 */
async function catchUp(env: NodeJS.ProcessEnv): Promise<number> {
  const started = Date.now();
  const { openStore } = (await import(pathToFileURL(join(root, 'dist', 'composition.js')).href)) as typeof import('../src/composition.js');
  const { loadConfig } = (await import(pathToFileURL(join(root, 'dist', 'config.js')).href)) as typeof import('../src/config.js');
  const store = await openStore(loadConfig(env));
  const timer = setInterval(() => {
    void store.projections.status().then((all) => {
      const applied = all.map((p) => `${p.name} ${p.position.toLocaleString('en')}`).join(', ');
      console.error(`  catch-up: ${((Date.now() - started) / 1000).toFixed(0)} s, changes applied so far: ${applied}`);
    });
  }, 5000);
  try {
    await store.projections.catchUp();
  } finally {
    clearInterval(timer);
    await store.close();
  }
  const seconds = (Date.now() - started) / 1000;
  console.error(`  (${seconds.toFixed(1)} s)`);
  return seconds;
}

async function projectionDelivery(base: string, adminToken: string): Promise<Array<Delivery & { behind: boolean }>> {
  const status = await api(base, '/api/v1/admin/projections', { headers: { authorization: `Bearer ${adminToken}` } });
  return status.projections.map((p: { name: string; lagEvents: number; delivery: Omit<Delivery, 'name'> }) => ({ name: p.name, behind: p.lagEvents > 0, ...p.delivery }));
}

/** Waits until no projection is behind (what a load run wrote is applied), up to two minutes. */
async function settle(base: string, adminToken: string): Promise<number> {
  const started = Date.now();
  // Two quiet answers in a row: a pass that found nothing new ran after the last write.
  let quiet = 0;
  while (quiet < 2 && Date.now() - started < 120_000) {
    const behind = (await projectionDelivery(base, adminToken)).some((p) => p.behind);
    quiet = behind ? 0 : quiet + 1;
    await new Promise((r) => setTimeout(r, 250));
  }
  return (Date.now() - started) / 1000;
}

/** Letters only, so every search analyzer keeps it as one word no other book has. */
function uniqueWord(): string {
  return [...randomBytes(12)].map((b) => String.fromCharCode(97 + (b % 26))).join('');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Creates books one at a time and polls search until each appears. `indexed`, when given, says
 * whether the search engine holds a book yet whether or not it is searchable, to split the lag.
 */
async function changeToSearchable(base: string, adminToken: string, samples: number, category: string, indexed?: (id: string) => Promise<boolean>): Promise<Lag> {
  const lags: number[] = [];
  const writes: number[] = [];
  const toIndexed: number[] = [];
  for (let i = 0; i < samples; i++) {
    const word = uniqueWord();
    const started = performance.now();
    const book = await api(base, '/api/v1/books', {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ isbn: bookIsbn(BOOKS + i), title: `The ${word} Probe`, authors: ['Bench Writer'], category, price: 1999, currency: 'USD', rating: 4, year: 2024 }),
    });
    const written = performance.now();
    writes.push(written - started);
    let searchable = false;
    const indexedAt = indexed
      ? (async () => {
          while (!searchable) {
            if (await indexed(book.id)) return performance.now();
            await sleep(LAG_POLL_MS);
          }
          return Infinity;
        })()
      : null;
    for (;;) {
      const found = await api(base, `/api/v1/search?q=${word}`);
      if (found.hits.some((h: { book: { id: string } }) => h.book.id === book.id)) break;
      if (performance.now() - started > LAG_GIVE_UP_MS) throw new Error(`book ${book.id} ("${word}") was not searchable ${LAG_GIVE_UP_MS} ms after its write`);
      await sleep(LAG_POLL_MS);
    }
    const searchableAt = performance.now();
    searchable = true;
    lags.push(searchableAt - started);
    // Searchable implies indexed: a watcher that had not looked since counts the book indexed then.
    if (indexedAt) toIndexed.push(Math.min(await indexedAt, searchableAt) - written);
  }
  const lag: Lag = {
    samples: lags.length,
    p50: Math.round(percentile(lags, 50)),
    p99: Math.round(percentile(lags, 99)),
    max: Math.round(Math.max(...lags)),
    writeP50: Math.round(percentile(writes, 50)),
    writeP99: Math.round(percentile(writes, 99)),
    ...(indexed ? { indexedP50: Math.round(percentile(toIndexed, 50)), indexedP99: Math.round(percentile(toIndexed, 99)) } : {}),
  };
  console.error(
    `  change-to-searchable over ${lag.samples} books: p50 ${lag.p50} ms, p99 ${lag.p99} ms, max ${lag.max} ms (the POST alone: p50 ${lag.writeP50} ms, p99 ${lag.writeP99} ms` +
      (indexed ? `; then held by OpenSearch after p50 ${lag.indexedP50} ms, p99 ${lag.indexedP99} ms)` : ')'),
  );
  return lag;
}

/** Whether the engines' search index holds a document, refreshed or not (a realtime GET by id). */
function openSearchHolds(env: NodeJS.ProcessEnv): (id: string) => Promise<boolean> {
  const engines = loadEnginesConfig(env);
  return async (id) => (await fetch(`${engines.opensearchUrl}/${engines.opensearchAlias}/_doc/${encodeURIComponent(id)}?_source=false`)).status === 200;
}

/** p50 and p99 of `calls` runs of `call`, `concurrency` at a time. */
async function roundTrips(call: () => Promise<unknown>, calls = 200, concurrency = 1): Promise<string> {
  const times: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next++ < calls) {
      const started = performance.now();
      await call();
      times.push(performance.now() - started);
    }
  };
  await call();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return `p50 ${percentile(times, 50).toFixed(1)} ms, p99 ${percentile(times, 99).toFixed(1)} ms`;
}

/**
 * The cheapest request each engine answers, from the bench process: the floor under any route that
 * makes one. DynamoDB also with as many requests at once as the load has connections, because
 * DynamoDB Local serves a stream-enabled table one request at a time.
 */
async function engineRoundTrips(env: NodeJS.ProcessEnv, when: string): Promise<string[]> {
  const engines = loadEnginesConfig(env);
  const dynamo = new DynamoDBClient({ region: engines.region, endpoint: engines.dynamodbEndpoint ?? undefined, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const redis = new Redis(engines.redisUrl);
  const connection = new gremlin.driver.DriverRemoteConnection(engines.gremlinUrl);
  const g = gremlin.process.traversal().withRemote(connection);
  try {
    const getItem = () => dynamo.send(new GetItemCommand({ TableName: engines.dynamodbTable, Key: { pk: { S: 'BENCH#probe' }, sk: { S: 'probe' } }, ConsistentRead: true }));
    // A checkout's shape: four Puts in one transaction (on probe items without a type, which the change feed drops).
    const transaction = () =>
      dynamo.send(
        new TransactWriteItemsCommand({
          TransactItems: [0, 1, 2, 3].map((n) => ({ Put: { TableName: engines.dynamodbTable, Item: { pk: { S: 'BENCH#probe' }, sk: { S: `probe-${n}` }, n: { N: String(Date.now()) } } } })),
        }),
      );
    return [
      `${when}, DynamoDB Local GetItem on the store's table: one at a time ${await roundTrips(getItem)}; ${CONNECTIONS} at a time ${await roundTrips(getItem, 400, CONNECTIONS)}`,
      `${when}, DynamoDB Local TransactWriteItems of four Puts (a checkout's shape), one at a time: ${await roundTrips(transaction, 100)}`,
      `${when}, OpenSearch GET of one document by id: ${await roundTrips(() => fetch(`${engines.opensearchUrl}/${engines.opensearchAlias}/_doc/probe`).then((r) => r.arrayBuffer()))}`,
      `${when}, Redis PING: ${await roundTrips(() => redis.ping())}`,
      `${when}, Gremlin Server g.V(id).count(): ${await roundTrips(() => g.V('probe').count().toList())}`,
    ];
  } finally {
    dynamo.destroy();
    redis.disconnect();
    await connection.close();
  }
}

async function openSearchRefreshInterval(env: NodeJS.ProcessEnv): Promise<string> {
  const engines = loadEnginesConfig(env);
  const settings = await (await fetch(`${engines.opensearchUrl}/${engines.opensearchAlias}/_settings`)).json();
  return Object.values(settings as Record<string, { settings: { index: { refresh_interval?: string } } }>)[0]?.settings.index.refresh_interval ?? '1s (default)';
}

/** A profile's store, seeded and caught up, with its server running: what each round measures. */
interface Prepared {
  profile: Profile;
  env: NodeJS.ProcessEnv;
  base: string;
  stopServer(): Promise<void>;
  demoToken: string;
  adminToken: string;
  ids: string[];
  categories: string[];
  /** Rotations that go on from round to round, so each round asks for other books and queries. */
  nextId: () => string;
  nextQuery: () => string;
  windows: () => string;
  cats: () => string | undefined;
  seedSeconds: number;
  seedPhases: Record<string, number>;
  catchUpSeconds: number;
  serverStartSeconds: number;
}

/** Each store's clean-up, registered as soon as the store has names: what the end of a run, or Ctrl-C, undoes. */
const onInterrupt: Array<() => Promise<void>> = [];

/** Seeds a fresh store for `profile`, catches its projections up and starts its server. */
async function prepare(profile: Profile): Promise<Prepared> {
  const dataDir = mkdtempSync(join(tmpdir(), `bookstore-bench-${profile}-`));
  const names: Record<string, string> = profile === 'engines' ? enginesNames() : {};
  let dynamodb: PrivateDynamoDbLocal | null = null;
  let cleaned: Promise<void> | null = null;
  const cleanUp = () =>
    (cleaned ??= (async () => {
      rmSync(dataDir, { recursive: true, force: true });
      if (profile === 'engines') {
        step(`removing the engine resources named ${names.BOOKSTORE_DYNAMODB_TABLE}`);
        await removeEngineResources(names);
        await dynamodb?.stop();
      }
    })());
  // Known from now on, so an interrupted seed still leaves no table, index or DynamoDB Local behind.
  onInterrupt.push(cleanUp);
  try {
    if (profile === 'engines' && !SHARED_DYNAMODB) {
      step('engines: starting a fresh DynamoDB Local for this run (--shared-dynamodb uses the running one)');
      dynamodb = await startPrivateDynamoDbLocal((message) => console.error(`  ${message}`));
      names.BOOKSTORE_DYNAMODB_ENDPOINT = dynamodb.endpoint;
    }
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...names,
      BOOKSTORE_PROFILE: profile,
      BOOKSTORE_DATA_DIR: dataDir,
      BOOKSTORE_LOG_LEVEL: 'warn',
      BOOKSTORE_SCRYPT_COST: '16384',
      BOOKSTORE_LOGIN_RATE_LIMIT: '100000',
      BOOKSTORE_LOGIN_ADDRESS_RATE_LIMIT: '100000',
      BOOKSTORE_SIGNUP_RATE_LIMIT: '100000',
    };
    step(`${profile}: bookstore seed (${BOOKS.toLocaleString('en')} books, ${USERS} users, ${ORDERS.toLocaleString('en')} orders, seed ${SEED})${names.BOOKSTORE_DYNAMODB_TABLE ? ` as ${names.BOOKSTORE_DYNAMODB_TABLE}` : ''}`);
    const seeded = await runCli(env, ['seed', '--books', String(BOOKS), '--users', String(USERS), '--orders', String(ORDERS), '--seed', String(SEED)], { captureStderr: true });
    const demoPassword = /demo@example\.com \/ (\S+)/.exec(seeded.stdout)?.[1];
    if (!demoPassword) throw new Error(`could not read the demo customer's password from the seed output:\n${seeded.stdout}`);
    const adminOut = await runCli(env, ['admin', 'create', 'bench-admin@example.com']);
    const adminPassword = /shown only this once: (\S+)/.exec(adminOut.stdout)![1]!;

    step(`${profile}: catching the projections up`);
    const catchUpSeconds = await catchUp(env);

    step(`${profile}: starting bookstore serve`);
    const serverStarted = Date.now();
    const server = await startServer(env, CPU_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROFILE_DIR}`] : []);
    const serverStartSeconds = (Date.now() - serverStarted) / 1000;
    const { base } = server;
    let stopped: Promise<void> | null = null;
    const stopServer = () => (stopped ??= server.stop());
    try {
      const ids = await bookIds(base);
      const categories: string[] = (await api(base, '/api/v1/categories')).categories.map((c: { name: string }) => c.name);
      return {
        profile,
        env,
        base,
        stopServer,
        demoToken: await signIn(base, 'demo@example.com', demoPassword),
        adminToken: await signIn(base, 'bench-admin@example.com', adminPassword),
        ids,
        categories,
        nextId: rotate(ids),
        nextQuery: rotate(mixedSearchQueries()),
        windows: rotate(['all', '7d', '1d']),
        cats: rotate([undefined, ...categories]),
        seedSeconds: seeded.seconds,
        seedPhases: seedPhases(seeded.stderr),
        catchUpSeconds,
        serverStartSeconds,
      };
    } catch (error) {
      await stopServer();
      throw error;
    }
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

/** One round: every chosen scenario once against the profile's server. */
async function measureRound(p: Prepared, round: number): Promise<Row[]> {
  const { base, profile } = p;
  step(`${profile}: round ${round} of ${ROUNDS} (${CONNECTIONS} connections, ${DURATION} s per scenario after a 2 s warm-up)`);
  const common = { base, duration: DURATION, connections: CONNECTIONS };
  const rows: Row[] = [];
  if (runs('books')) rows.push(await load('GET /api/v1/books/:id', { ...common, paths: () => `/api/v1/books/${p.nextId()}` }));
  if (runs('search')) rows.push(await load('GET /api/v1/search (mixed query set)', { ...common, paths: () => `/api/v1/search?q=${encodeURIComponent(p.nextQuery())}` }));
  if (runs('bestsellers')) {
    rows.push(
      await load('GET /api/v1/bestsellers', {
        ...common,
        paths: () => {
          const c = p.cats();
          return `/api/v1/bestsellers?window=${p.windows()}${c ? `&category=${encodeURIComponent(c)}` : ''}`;
        },
      }),
    );
  }
  if (runs('recommendations')) rows.push(await load('GET /api/v1/recommendations', { ...common, requests: [{ method: 'GET', path: '/api/v1/recommendations', headers: { authorization: `Bearer ${p.demoToken}` } }] }));
  if (runs('checkout')) {
    // Checkout: each connection is its own customer, filling its cart and checking out with a fresh
    // key. The warm-up and the measured run get customers of their own: a warm-up request still in
    // the server when its run ends would otherwise race the measured run's first round (a 409).
    const tokens: string[] = [];
    for (let i = 0; i < 2 * CONNECTIONS; i++) {
      const email = `bench-${i}-${randomUUID()}@example.com`;
      await api(base, '/api/v1/auth/signup', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: 'bench password 123', name: `Bench ${i}` }) });
      tokens.push(await signIn(base, email, 'bench password 123'));
    }
    // One checkout by hand first: the load run counts only answers, so a broken flow would look like a slow one.
    const smoke = { authorization: `Bearer ${tokens[0]}`, 'content-type': 'application/json' };
    await api(base, `/api/v1/cart/items/${p.ids[0]}`, { method: 'PUT', headers: smoke, body: JSON.stringify({ quantity: 1 }) });
    await api(base, '/api/v1/orders', { method: 'POST', headers: { authorization: smoke.authorization, 'idempotency-key': randomUUID() } });
    rows.push(await load('PUT /api/v1/cart/items/:id + POST /api/v1/orders', { ...common, note: 'req/s counts both requests', requests: checkoutRequests(rotate(tokens), p.nextId) }));
    // What checkout wrote is applied before the next round measures anything (of either profile).
    const settleSeconds = await settle(base, p.adminToken);
    console.error(`  projections finished the checkout run's changes ${settleSeconds.toFixed(1)} s after it ended`);
  }
  return rows;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : Math.round((sorted[mid - 1]! + sorted[mid]!) / 2);
};

/** Each scenario's median over the rounds (req/s, p50 and p99 each on their own), errors summed. */
function medianRows(rounds: Row[][]): Row[] {
  return rounds[0]!.map((first, i) => {
    const all = rounds.map((r) => r[i]!);
    return { ...first, rps: median(all.map((r) => r.rps)), p50: median(all.map((r) => r.p50)), p99: median(all.map((r) => r.p99)), errors: all.reduce((sum, r) => sum + r.errors, 0) };
  });
}

/** Change-to-searchable lag, the projections' delivery and (engines) the probes; then stops the server. */
async function finish(p: Prepared, rounds: Row[][]): Promise<ProfileResult> {
  const { profile, base, adminToken, env } = p;
  const probes: string[] = [];
  let result: ProfileResult;
  try {
    step(`${profile}: change-to-searchable lag (${LAG_SAMPLES} books, one at a time)`);
    const settleSeconds = await settle(base, adminToken);
    const lag = await changeToSearchable(base, adminToken, LAG_SAMPLES, p.categories[0]!, profile === 'engines' ? openSearchHolds(env) : undefined);
    const delivery = (await projectionDelivery(base, adminToken)).map(({ behind: _behind, ...d }) => d);
    // DynamoDB Local rounds a stream record's ApproximateCreationDateTime down to the minute, so the
    // engines runner's commit-to-apply figures are off by up to 60 s there; the lag above is measured.
    if (profile === 'embedded') for (const d of delivery) console.error(`  ${d.name}: commit-to-apply p50 ${d.p50Ms} ms, p99 ${d.p99Ms} ms over ${d.samples} deliveries`);
    if (profile === 'engines') {
      step('engines: what one request costs each engine');
      probes.push(...(await engineRoundTrips(env, 'idle server running (its stream poller too)')));
    }
    result = {
      profile,
      seedSeconds: p.seedSeconds,
      seedPhases: p.seedPhases,
      catchUpSeconds: p.catchUpSeconds,
      serverStartSeconds: p.serverStartSeconds,
      rows: medianRows(rounds),
      rounds,
      settleSeconds,
      lag,
      delivery,
      probes,
    };
  } finally {
    await p.stopServer();
  }
  if (profile === 'engines') {
    probes.push(...(await engineRoundTrips(env, 'server stopped')));
    probes.push(`OpenSearch refresh_interval ${await openSearchRefreshInterval(env)}, and each projection write waits for the refresh (refresh=wait_for)`);
    for (const line of probes) console.error(`  ${line}`);
  }
  return result;
}

/** How many times slower the engines are (above 5 in bold, the goal's limit); n/a when a side measured nothing. */
function ratio(slow: number, fast: number): string {
  if (!(slow > 0) || !(fast > 0)) return 'n/a';
  const r = slow / fast;
  const text = r >= 10 ? r.toFixed(0) : r.toFixed(1);
  return r > 5 ? `**${text}×**` : `${text}×`;
}

function report(results: ProfileResult[], totalSeconds: number): string {
  const embedded = results.find((r) => r.profile === 'embedded');
  const engines = results.find((r) => r.profile === 'engines');
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const lines = [
    `Measured ${new Date().toISOString().slice(0, 10)} with \`npm run bench:profiles\` (${BOOKS.toLocaleString('en')} books, ${USERS.toLocaleString('en')} users, ${ORDERS.toLocaleString('en')} seeded orders, seed ${SEED}, the same for each profile; autocannon, ${CONNECTIONS} connections, ${DURATION} s per scenario after a 2 s warm-up, on loopback; each figure the median of ${ROUNDS} rounds, the rounds alternating between the profiles with both servers up; the whole run took ${(totalSeconds / 60).toFixed(1)} min).`,
    `Machine: ${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}. The engines (DynamoDB Local, OpenSearch, Redis, Gremlin Server, moto) run on this same machine with the server and the load generator, so all of them share its ${cpus().length} cores.`,
    '',
  ];
  for (const r of results) {
    const phases = Object.entries(r.seedPhases)
      .map(([k, v]) => `${k} ${v.toFixed(v < 10 ? 1 : 0)} s`)
      .join(', ');
    lines.push(`- ${r.profile}: seed ${r.seedSeconds.toFixed(r.seedSeconds < 10 ? 1 : 0)} s (${phases}), projection catch-up ${r.catchUpSeconds.toFixed(1)} s, server start ${r.serverStartSeconds.toFixed(1)} s.`);
  }
  lines.push('');
  const header = results.map((r) => `${r.profile} req/s | ${r.profile} p50 | ${r.profile} p99`).join(' | ');
  const both = embedded && engines;
  lines.push(`| request | ${header}${both ? ' | p50 engines/embedded | p99 engines/embedded | req/s embedded/engines |' : ' |'}`);
  lines.push(`| --- |${results.map(() => ' ---: | ---: | ---: |').join('')}${both ? ' ---: | ---: | ---: |' : ''}`);
  for (let i = 0; i < results[0]!.rows.length; i++) {
    const row = results[0]!.rows[i]!;
    const cells = results.map((r) => {
      const x = r.rows[i]!;
      return `${x.rps.toLocaleString('en')}${x.errors ? ` (${x.errors} errors)` : ''} | ${x.p50} ms | ${x.p99} ms`;
    });
    const ratios = both ? ` | ${ratio(engines.rows[i]!.p50, embedded.rows[i]!.p50)} | ${ratio(engines.rows[i]!.p99, embedded.rows[i]!.p99)} | ${ratio(embedded.rows[i]!.rps, engines.rows[i]!.rps)}` : '';
    lines.push(`| ${row.scenario}${row.note ? ` (${row.note})` : ''} | ${cells.join(' | ')}${ratios} |`);
  }
  const lagCells = results.map((r) => `${r.lag.samples} books | ${r.lag.p50} ms | ${r.lag.p99} ms`);
  const lagRatios = both ? ` | ${ratio(engines.lag.p50, embedded.lag.p50)} | ${ratio(engines.lag.p99, embedded.lag.p99)} | –` : '';
  lines.push(`| change-to-searchable (POST /books, then search until it appears) | ${lagCells.join(' | ')}${lagRatios} |`);
  lines.push('');
  if (ROUNDS > 1) {
    for (let i = 0; i < results[0]!.rows.length; i++) {
      const perRound = results.map((r) => `${r.profile} ${r.rounds.map((round) => round[i]!.rps.toLocaleString('en')).join(', ')}`).join('; ');
      lines.push(`- req/s in each round, ${results[0]!.rows[i]!.scenario}: ${perRound}.`);
    }
  }
  for (const r of results) {
    const split =
      r.lag.indexedP50 === undefined
        ? ''
        : `; after the POST's answer, OpenSearch held the document (stream, poller, bulk request) after p50 ${r.lag.indexedP50} ms, p99 ${r.lag.indexedP99} ms, and the rest is its refresh and the search`;
    lines.push(`- ${r.profile}, change-to-searchable over ${r.lag.samples} books: p50 ${r.lag.p50} ms, p99 **${r.lag.p99} ms**, max ${r.lag.max} ms; the POST alone p50 ${r.lag.writeP50} ms, p99 ${r.lag.writeP99} ms${split}. The projections had finished the checkout run's changes ${r.settleSeconds.toFixed(1)} s after it ended.`);
  }
  if (embedded) lines.push(`- embedded, commit-to-apply over the last minute: ${embedded.delivery.map((d) => `${d.name} p50 ${d.p50Ms} ms, p99 ${d.p99Ms} ms`).join('; ')} (not shown for the engines: DynamoDB Local rounds a stream record's creation time down to the minute).`);
  if (engines) for (const p of engines.probes) lines.push(`- engines: ${p}.`);
  if (engines) {
    // A request type none of whose requests completed on the engines counts as infinitely slower.
    const slowdown = (i: number) => {
      const [e, m] = [engines.rows[i]!, embedded!.rows[i]!];
      return e.rps === 0 ? Infinity : Math.max(e.p50 / Math.max(1, m.p50), e.p99 / Math.max(1, m.p99), m.rps / e.rps);
    };
    const worst = both ? engines.rows.map((row, i) => ({ scenario: row.scenario, by: slowdown(i) })).sort((a, b) => b.by - a.by)[0]! : null;
    lines.push(
      `- Goals: engines change-to-searchable p99 < 2000 ms: **${engines.lag.p99 < 2000 ? 'met' : `missed by ${engines.lag.p99 - 2000} ms`}** (${engines.lag.p99} ms)` +
        (worst ? `; no request type more than 5× slower than embedded (p50, p99 or req/s): **${worst.by <= 5 ? 'met' : 'missed'}** (worst: ${worst.scenario}, ${worst.by === Infinity ? 'no request completed' : `${worst.by.toFixed(1)}×`})` : '') +
        '.',
    );
  }
  return lines.join('\n');
}

async function main() {
  const started = Date.now();
  // The SDK's notice that Node 20 support ends, once per process: noise in the bench's progress.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  if (!args.includes('--no-build')) {
    step('building the server (npm run build:server)');
    const b = spawnSync('npm', ['run', 'build:server'], { cwd: root, stdio: 'inherit' });
    if (b.status !== 0) throw new Error('npm run build:server failed');
  }
  // Both servers run for the whole measurement and the rounds alternate between them (who goes first
  // too), so a machine that is busier for a while (other tenants, the engines' own housekeeping)
  // weighs on both profiles alike; each figure is the median of its rounds.
  const prepared: Prepared[] = [];
  const cleanUpAll = async () => {
    for (const p of prepared) await p.stopServer().catch(() => undefined);
    for (const cleanUp of onInterrupt) await cleanUp();
  };
  const interrupted = () => void cleanUpAll().finally(() => process.exit(130));
  process.once('SIGINT', interrupted);
  const results: ProfileResult[] = [];
  try {
    for (const profile of PROFILES) prepared.push(await prepare(profile));
    const rounds = new Map<Profile, Row[][]>(PROFILES.map((profile) => [profile, []]));
    for (let round = 1; round <= ROUNDS; round++) {
      const order = round % 2 === 1 ? prepared : [...prepared].reverse();
      for (const p of order) rounds.get(p.profile)!.push(await measureRound(p, round));
    }
    for (const p of prepared) results.push(await finish(p, rounds.get(p.profile)!));
  } finally {
    process.removeListener('SIGINT', interrupted);
    await cleanUpAll();
  }
  const table = report(results, (Date.now() - started) / 1000);
  console.log('\n' + table);

  const doc = join(root, 'docs', 'benchmarks.md');
  const current = readFileSync(doc, 'utf8');
  const start = '<!-- bench:profiles:start -->';
  const end = '<!-- bench:profiles:end -->';
  if (PROFILES.length === 2 && chosen.length === SCENARIOS.length && !args.includes('--no-write') && current.includes(start) && current.includes(end)) {
    writeFileSync(doc, current.slice(0, current.indexOf(start) + start.length) + '\n' + table + '\n' + current.slice(current.indexOf(end)));
    console.error(`\nwrote the results into ${doc}`);
  }
}

main().catch((error) => {
  console.error(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
