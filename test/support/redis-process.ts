import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from '../../scripts/free-port.js';

export interface RedisProcess {
  readonly port: number;
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  /** SIGKILL, as a crash would: nothing is saved, and a later start() comes back empty. */
  kill(): Promise<void>;
  /** Starts a fresh, empty server on the same port. */
  start(): Promise<void>;
  close(): Promise<void>;
}


/**
 * A `redis-server` of the test's own on a free port, with no persistence, so a test can kill it
 * without disturbing the shared Redis of the other suites. The process is killed when the test
 * process exits, should afterAll never run.
 */
export async function startRedisProcess(): Promise<RedisProcess> {
  const port = await freePort();
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  const killOnExit = () => child?.kill('SIGKILL');
  process.once('exit', killOnExit);

  const start = async () => {
    if (child !== null) return;
    const next = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = next;
    exited = new Promise((resolve) => next.once('exit', () => resolve()));
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`redis-server on ${port} not ready within 30 s:\n${output}`)), 30_000);
      const done = (error?: Error) => {
        clearTimeout(timer);
        next.stdout!.off('data', onData);
        if (error) reject(error);
        else resolve();
      };
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) done();
      };
      next.stdout!.on('data', onData);
      next.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      next.once('error', (error) => done(error));
      next.once('exit', (code) => done(new Error(`redis-server on ${port} exited with ${code}:\n${output}`)));
    }).catch((error: unknown) => {
      child = null;
      next.kill('SIGKILL');
      throw error;
    });
    // Keep reading so a chatty server never blocks on a full pipe.
    next.stdout!.resume();
    next.stderr!.resume();
  };

  const kill = async () => {
    if (child === null) return;
    child.kill('SIGKILL');
    await exited;
    child = null;
  };

  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill,
    start,
    async close() {
      await kill();
      process.off('exit', killOnExit);
    },
  };
}
