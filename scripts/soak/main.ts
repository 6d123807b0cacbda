/**
 * `npm run soak -- --minutes N --profile embedded|engines`: mixed traffic against a real server on
 * 127.0.0.1 for N minutes (longer if the faults take longer: each kind happens at least once) while faults are injected (SIGKILL and restart of the server; on engines,
 * restarts of Redis, OpenSearch and Gremlin Server), then checks the invariants (invariants.ts) and
 * prints the figures. Exits 0 when every invariant holds, 1 when one broke, 2 on a usage error.
 * The last line is "N passed, N failed" over the invariants, as CI's other runners print.
 *
 * The engines profile never touches the shared engines: it starts its own on other ports (soak-engines.ts).
 */
import { randomUUID } from 'node:crypto';
import { Command, InvalidArgumentError } from 'commander';
import { checkInvariants } from './invariants.js';
import { SoakServer, type Profile } from './server.js';
import { SoakEngines } from './soak-engines.js';
import { Traffic } from './traffic.js';
import { FaultLog } from './faults.js';

/** How much of the server's log a violation prints. */
const STORE_LOG_LINES = 80;

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 120) throw new InvalidArgumentError('expected minutes between 0 and 120');
  return n;
}

const program = new Command()
  .name('soak')
  .description('mixed traffic with faults for some minutes on 127.0.0.1, then invariant checks')
  .option('--minutes <n>', 'how long the traffic runs', positiveNumber, 5)
  .option('--profile <profile>', 'embedded or engines (engines: its own engines on ports 8010, 9210, 6390, 8190, 5010)', 'embedded')
  .option('--workers <n>', 'concurrent clients', (v) => Number.parseInt(v, 10), 4)
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2));
program.parse(process.argv);
const opts = program.opts<{ minutes: number; profile: string; workers: number }>();
if (opts.profile !== 'embedded' && opts.profile !== 'engines') {
  console.error(`soak: unknown profile "${opts.profile}": use embedded or engines`);
  process.exit(2);
}
if (!Number.isInteger(opts.workers) || opts.workers < 1 || opts.workers > 16) {
  console.error('soak: --workers takes 1 to 16');
  process.exit(2);
}
const profile = opts.profile as Profile;
const say = (line: string) => console.error(`[soak ${new Date().toISOString().slice(11, 19)}] ${line}`);

const engines = profile === 'engines' ? new SoakEngines(say) : null;
let server: SoakServer | null = null;
let code = 1;
try {
  const env = engines ? await engines.up(`soak-${Date.now().toString(36)}`) : {};
  server = await SoakServer.start(profile, env, say);
  const faults = new FaultLog();
  const traffic = new Traffic(server, faults, opts.workers, randomUUID().slice(0, 8));
  await traffic.prepare();
  say(`traffic for ${opts.minutes} min with ${opts.workers} workers on ${server.baseUrl}`);

  // Traffic runs for the minutes asked and until every fault happened: each kind at least once,
  // evenly spaced over the first four fifths, so the store settles before the checks.
  const started = Date.now();
  const endsAt = started + opts.minutes * 60_000;
  let faultsDone = false;
  const running = traffic.run(() => faultsDone && Date.now() >= endsAt);
  const kinds = engines ? (['server', 'redis', 'opensearch', 'gremlin'] as const) : (['server'] as const);
  const count = Math.max(kinds.length, Math.round(opts.minutes * (engines ? 2 : 3)));
  const spacing = (opts.minutes * 60_000 * 0.8) / (count + 1);
  try {
    for (let i = 0; i < count; i++) {
      await sleep(Math.max(0, started + (i + 1) * spacing - Date.now()));
      const kind = kinds[i % kinds.length]!;
      const window = faults.open(kind);
      say(`fault ${i + 1}/${count}: ${kind === 'server' ? 'SIGKILL and restart of the server' : `restart of ${kind}`}`);
      if (kind === 'server') await server.killAndRestart();
      else await engines!.restart(kind);
      await server.waitReady();
      faults.close(window);
    }
  } finally {
    faultsDone = true;
  }
  await running;
  const trafficMinutes = Number(((Date.now() - started) / 60_000).toFixed(1));
  say('traffic stopped; waiting for the projections to settle, then checking the invariants');
  const result = await checkInvariants(server, traffic, say);
  const figures = {
    profile,
    'traffic minutes': trafficMinutes,
    requests: traffic.requests,
    'orders acknowledged': traffic.acknowledged.size,
    'checkout retries': traffic.retries,
    faults: faults.count,
    'drift found': result.drift,
    '5xx in fault windows': traffic.serverErrorsInFaults,
    '5xx outside fault windows': traffic.serverErrorsOutside.length,
    'connection errors in fault windows': traffic.networkErrorsInFaults,
    'connection errors outside fault windows': traffic.networkErrorsOutside.length,
  };
  console.table(figures);
  if (result.violations.length > 0) {
    console.log(`the server's last ${STORE_LOG_LINES} lines about anything but requests (all of its output: ${server.logPath}):`);
    console.log(server.storeLog(STORE_LOG_LINES) || '(none)');
  }
  // After the server's log, just above the last line: CI shows only the tail of what a run printed.
  for (const line of result.violations) console.log(`VIOLATION: ${line}`);
  code = result.violations.length === 0 ? 0 : 1;
  console.log(`${result.checks - result.violations.length} passed, ${result.violations.length} failed`);
} catch (error) {
  console.error(`soak: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  console.log('0 passed, 1 failed');
  code = 1;
} finally {
  await server?.stop(code !== 0).catch(() => undefined);
  await engines?.down().catch((e: unknown) => say(`stopping the soak's engines failed: ${String(e)}`));
}
process.exit(code);

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
