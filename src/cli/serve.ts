import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import type { Config } from '../config.js';
import { PrometheusMetrics } from '../adapters/prometheus/prometheus-metrics.js';
import { openStore, type Store } from '../composition.js';
import { prometheusMetricsRoute } from '../http/metrics.js';
import { buildServer } from '../http/server.js';
import { seedStore } from './seed/seed.js';
import type { SearchIndex } from '../ports/search-index.js';

/**
 * The demo seeded on a first start. Smaller on the engines profile: DynamoDB Local writes about 10 ms
 * per item, so the embedded demo would keep a first start busy for several minutes there
 * (`bookstore seed` makes a larger store on either profile).
 */
const DEMO_SIZE = {
  embedded: { books: 2000, users: 300, orders: 1500, seed: 42 },
  engines: { books: 500, users: 100, orders: 400, seed: 42 },
} as const;
const DEMO_CREDENTIALS_FILE = 'demo-credentials.json';

interface DemoCredentials {
  email: string;
  password: string;
}

/**
 * Seeds the demo store on the first start. The demo customer's password is generated, shown, and
 * kept (owner-readable only) in the data directory so later starts can show it again.
 */
async function ensureDemoStore(store: Store, config: Config): Promise<DemoCredentials | null> {
  // One file per store: the embedded store's demo customer is not the one of an engines table.
  const file = join(config.dataDir, config.engines ? `demo-credentials-${config.engines.dynamodbTable}.json` : DEMO_CREDENTIALS_FILE);
  const empty = (await store.catalog.list({ limit: 1 })).items.length === 0;
  if (empty) {
    const size = DEMO_SIZE[config.profile];
    const where = config.engines ? `DynamoDB table ${config.engines.dynamodbTable}` : config.dataDir;
    console.log(`Seeding a demo store (${size.books} books, ${size.users} users, ${size.orders} orders) into ${where} (first start)…`);
    const summary = await seedStore(store, { ...size, progress: true });
    // The engines profile keeps nothing else there, so the directory may not exist yet.
    await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
    await writeFile(file, JSON.stringify(summary.demoCustomer, null, 2) + '\n', { mode: 0o600 });
    await chmod(file, 0o600);
  }
  try {
    return JSON.parse(await readFile(file, 'utf8')) as DemoCredentials;
  } catch {
    return null;
  }
}

/**
 * A few searches before the server listens: the embedded index loads its in-memory ranking on the
 * first one and V8 compiles the ranking loops on the next, so neither lands on a shopper's request.
 * Each path is taken once (browse, one word, a prefix, two words); words in nearly every book (`the`,
 * `a`) compile nothing more and cost most of a second each at 1M books.
 */
async function warmSearch(index: SearchIndex): Promise<void> {
  for (const q of ['', 'story', 'lo', 'new york']) await index.search({ q, sort: 'relevance', limit: 20 });
}

export async function serve(config: Config, options: { demo: boolean }): Promise<void> {
  const logger = pino({
    level: config.logLevel,
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', 'password'], censor: '[redacted]' },
  });
  // The server's metrics go to Prometheus: the store's adapter counts into the registry /metrics serves.
  const metrics = new PrometheusMetrics();
  const store = await openStore(config, { logger, metrics, serving: true });
  const demo = options.demo ? await ensureDemoStore(store, config) : null;
  // Derived stores catch up before the first request so search and bestsellers match the catalog.
  await store.projections.catchUp();
  await warmSearch(store.searchIndex);
  const app = await buildServer(store, { logger, metricsRoute: prometheusMetricsRoute(metrics.registry) });
  store.projections.start();

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    await app.close();
    await store.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));

  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  console.log(`\nBookstore is serving ${url}  (API ${url}/api/v1, docs ${url}/docs)`);
  if (demo) console.log(`Demo customer: ${demo.email} / ${demo.password}`);
  console.log('Make an admin with: npx bookstore admin create you@example.com\n');
}
