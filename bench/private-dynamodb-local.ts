import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { dynamodbLocal } from '../scripts/engines/dynamodb-local.js';
import { cacheLayout } from '../scripts/engines/engine.js';
import { logFile, waitUntilReady } from '../scripts/engines/process.js';
import { freePort } from '../scripts/free-port.js';

export interface PrivateDynamoDbLocal {
  endpoint: string;
  stop(): Promise<void>;
}


/**
 * A DynamoDB Local of the benchmark's own, fresh and in memory, from the same install as
 * `npm run engines`. One that has served test suites is much slower: on every write to a table with a
 * stream it looks for the first stream record of the table's shard in one list of all the records it
 * holds (kept 24 hours, whatever table they came from), so a table made after many others pays for
 * all their records. A fresh one measures our adapters, not the emulator's history.
 */
export async function startPrivateDynamoDbLocal(progress: (message: string) => void): Promise<PrivateDynamoDbLocal> {
  const cache = cacheLayout();
  const installed = await dynamodbLocal.install(cache, progress);
  const port = await freePort();
  // In memory even when the shared one keeps its tables on disk.
  const dataDir = process.env.BOOKSTORE_DYNAMODB_DATA_DIR;
  delete process.env.BOOKSTORE_DYNAMODB_DATA_DIR;
  const spec = installed.launch(port);
  if (dataDir !== undefined) process.env.BOOKSTORE_DYNAMODB_DATA_DIR = dataDir;
  const log = logFile(cache.logs, 'dynamodb-bench');
  const out = openSync(log, 'w');
  const child = spawn(spec.command, spec.args, { cwd: spec.cwd, env: { ...process.env, ...spec.env }, stdio: ['ignore', out, out] });
  closeSync(out);
  let exited: string | undefined;
  child.once('exit', (code, signal) => (exited = signal ? `was killed by ${signal}` : `exited with code ${code}`));
  try {
    await waitUntilReady({ title: "The benchmark's DynamoDB Local", answers: () => dynamodbLocal.answers(port), exitReason: () => exited, timeoutSeconds: dynamodbLocal.readyTimeoutSeconds, log });
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    endpoint: dynamodbLocal.endpoint(port),
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      }),
  };
}
