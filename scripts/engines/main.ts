/**
 * `npm run engines -- up|down|status [--only redis,dynamodb]`: the engine profile's databases as plain
 * processes on this machine, on 127.0.0.1 only. See docs/engines.md.
 *
 * `up` fetches what is missing into the cache, starts each engine detached and waits until it really
 * answers; `down` stops only the processes `up` started; `status` says what answers where. Progress goes
 * to stderr and the final table to stdout.
 */
import { Command, InvalidArgumentError } from 'commander';
import { cognitoMoto } from './cognito-moto.js';
import { dynamodbLocal } from './dynamodb-local.js';
import { cacheLayout, portFromEnv, type CacheLayout, type Engine } from './engine.js';
import { gremlinServer } from './gremlin-server.js';
import { opensearch } from './opensearch.js';
import {
  EngineStartError,
  forgetProcess,
  logFile,
  ownedProcess,
  portIsFree,
  readPidRecord,
  startDetached,
  stopProcessGroup,
  waitForPortFree,
  waitUntilReady,
} from './process.js';
import { redis } from './redis.js';

const ENGINES: Engine[] = [dynamodbLocal, opensearch, redis, gremlinServer, cognitoMoto];

interface Row {
  engine: Engine;
  state: string;
  version?: string;
  endpoint: string;
  pid?: number;
  note?: string;
  failed?: boolean;
}

const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

function say(engine: Engine, message: string): void {
  process.stderr.write(`[${engine.name}] ${message}\n`);
}

function parseOnly(value: string): Engine[] {
  const names = value.split(',').map((name) => name.trim()).filter(Boolean);
  const unknown = names.filter((name) => !ENGINES.some((engine) => engine.name === name));
  if (unknown.length > 0 || names.length === 0) {
    throw new InvalidArgumentError(`expected a comma-separated list of ${ENGINES.map((e) => e.name).join(', ')}; got "${value}"`);
  }
  return ENGINES.filter((engine) => names.includes(engine.name));
}

function printTable(rows: Row[]): void {
  const header = ['ENGINE', 'STATE', 'VERSION', 'ENDPOINT', 'PID', 'NOTE'];
  const cells = rows.map((row) => [row.engine.name, row.state, row.version ?? '-', row.endpoint, row.pid?.toString() ?? '-', row.note ?? '']);
  const widths = header.map((title, column) => Math.max(title.length, ...cells.map((line) => line[column]?.length ?? 0)));
  const format = (line: string[]) => line.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
  process.stdout.write(`\n${[header, ...cells].map(format).join('\n')}\n`);
}

/** Either the engine needs nothing more, or it is installed and `start` launches it and waits. */
type Prepared = { row: Row } | { start: () => Promise<Row> };

async function prepare(cache: CacheLayout, engine: Engine): Promise<Prepared> {
  const port = portFromEnv(engine.portVariable, engine.defaultPort);
  const endpoint = engine.endpoint(port);
  const log = logFile(cache.logs, engine.name);
  const owned = ownedProcess(cache.run, engine.name);
  if (owned) {
    // Started by an earlier `up`: maybe still starting, so give it the usual time rather than a second copy.
    return {
      start: async () => {
        await waitUntilReady({
          title: engine.title,
          answers: () => engine.answers(owned.port),
          exitReason: () => (ownedProcess(cache.run, engine.name) ? undefined : 'is no longer running'),
          timeoutSeconds: engine.readyTimeoutSeconds,
          log,
        });
        const samePort = owned.port === port;
        const note = samePort ? 'already running' : `already running on port ${owned.port}, not ${port}: run \`down\` first`;
        return { engine, state: 'up', version: owned.version, endpoint: engine.endpoint(owned.port), pid: owned.pid, note, failed: !samePort };
      },
    };
  }
  forgetProcess(cache.run, engine.name);
  if (await engine.answers(port)) {
    return { row: { engine, state: 'up', endpoint, note: 'not started by engines: left alone' } };
  }
  if (!(await portIsFree(port))) {
    throw new Error(`port ${port} is taken by another program; free it or set ${engine.portVariable}`);
  }
  const installStart = Date.now();
  const installed = await engine.install(cache, (message) => say(engine, message));
  const installTime = seconds(installStart);
  return {
    start: async () => {
      const launchStart = Date.now();
      const started = startDetached(installed.launch(port), { runDir: cache.run, log, engine: engine.name }, { port, version: installed.version });
      say(engine, `started pid ${started.record.pid}, waiting for it to answer on ${endpoint}`);
      try {
        await waitUntilReady({ title: engine.title, answers: () => engine.answers(port), exitReason: started.exitReason, timeoutSeconds: engine.readyTimeoutSeconds, log });
      } catch (error) {
        // It is ours and it failed: do not leave a half-started engine holding the port.
        await stopProcessGroup(started.record, 5);
        forgetProcess(cache.run, engine.name);
        throw error;
      }
      say(engine, `answering after ${seconds(launchStart)}`);
      return {
        engine,
        state: 'up',
        version: installed.version,
        endpoint,
        pid: started.record.pid,
        note: `setup ${installTime}, ready in ${seconds(launchStart)}`,
      };
    },
  };
}

async function up(cache: CacheLayout, engines: Engine[]): Promise<Row[]> {
  const failed = (engine: Engine) => (error: unknown): Row => {
    const message = error instanceof Error ? error.message : String(error);
    say(engine, `FAILED: ${message}`);
    const port = portFromEnv(engine.portVariable, engine.defaultPort);
    const note = error instanceof EngineStartError ? error.summary : (message.split('\n')[0] ?? '');
    return { engine, state: 'failed', endpoint: engine.endpoint(port), note, failed: true };
  };
  // Setup runs one engine after another (Maven's local repository is not safe for concurrent writers,
  // and one progress stream reads better); each engine starts as soon as its own setup is done.
  const rows: Array<Promise<Row>> = [];
  for (const engine of engines) {
    const prepared = await prepare(cache, engine).catch((error: unknown) => ({ row: failed(engine)(error) }));
    rows.push('row' in prepared ? Promise.resolve(prepared.row) : prepared.start().catch(failed(engine)));
  }
  return Promise.all(rows);
}

async function bringDown(cache: CacheLayout, engine: Engine): Promise<Row> {
  const port = portFromEnv(engine.portVariable, engine.defaultPort);
  const owned = ownedProcess(cache.run, engine.name);
  if (owned) {
    const how = await stopProcessGroup(owned);
    forgetProcess(cache.run, engine.name);
    const free = await waitForPortFree(owned.port);
    return {
      engine,
      state: 'down',
      version: owned.version,
      endpoint: engine.endpoint(owned.port),
      pid: owned.pid,
      note: `${how === 'killed' ? 'killed after the grace period' : 'stopped'}${free ? '' : `; port ${owned.port} still busy`}`,
      failed: !free,
    };
  }
  const stale = readPidRecord(cache.run, engine.name) !== undefined;
  forgetProcess(cache.run, engine.name);
  if (await engine.answers(port)) {
    return { engine, state: 'up', endpoint: engine.endpoint(port), note: 'not started by engines: left alone' };
  }
  return { engine, state: 'down', endpoint: engine.endpoint(port), note: stale ? 'was not running (stale pid file removed)' : 'was not running' };
}

async function status(cache: CacheLayout, engine: Engine): Promise<Row> {
  const port = portFromEnv(engine.portVariable, engine.defaultPort);
  const owned = ownedProcess(cache.run, engine.name);
  if (owned) {
    const answering = await engine.answers(owned.port);
    return {
      engine,
      state: answering ? 'up' : 'not answering',
      version: owned.version,
      endpoint: engine.endpoint(owned.port),
      pid: owned.pid,
      note: answering ? `since ${owned.startedAt}` : `process alive; see ${logFile(cache.logs, engine.name)}`,
      failed: !answering,
    };
  }
  if (await engine.answers(port)) return { engine, state: 'up', endpoint: engine.endpoint(port), note: 'not started by engines' };
  return { engine, state: 'down', endpoint: engine.endpoint(port), failed: true };
}

async function run(action: 'up' | 'down' | 'status', only: Engine[] | undefined): Promise<void> {
  const engines = only ?? ENGINES;
  for (const engine of engines) portFromEnv(engine.portVariable, engine.defaultPort);
  const cache = cacheLayout();
  const started = Date.now();
  if (action !== 'status') process.stderr.write(`engines cache: ${cache.root}\n`);
  const rows =
    action === 'up'
      ? await up(cache, engines)
      : await Promise.all(engines.map((engine) => (action === 'down' ? bringDown(cache, engine) : status(cache, engine))));
  printTable(rows);
  if (action !== 'status') process.stdout.write(`${action} took ${seconds(started)}\n`);
  if (rows.some((row) => row.failed)) process.exitCode = 1;
}

const program = new Command('engines')
  .description('Run the engine profile\'s databases on this machine (127.0.0.1 only). See docs/engines.md.')
  .showHelpAfterError();
for (const [action, description] of [
  ['up', 'fetch (first time only) and start the engines, waiting until each answers'],
  ['down', 'stop the engines that `up` started (and nothing else)'],
  ['status', 'show which engines answer, and where (exit code 1 if any is not up)'],
] as const) {
  program
    .command(action)
    .description(description)
    .option('--only <engines>', `comma-separated subset of ${ENGINES.map((e) => e.name).join(',')}`, parseOnly)
    .action((options: { only?: Engine[] }) => run(action, options.only));
}

program.parseAsync().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
