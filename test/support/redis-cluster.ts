import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { portFromEnv } from '../../scripts/engines/engine.js';
import { portIsFree, runCommand } from '../../scripts/engines/process.js';
import { tempDir } from './temp-dir.js';

/**
 * The ports of the test cluster: BOOKSTORE_REDIS_CLUSTER_PORT (default 7101) and the next two; each
 * node's cluster bus listens 10000 above its port.
 */
export function redisClusterPorts(env: NodeJS.ProcessEnv = process.env): number[] {
  const first = portFromEnv('BOOKSTORE_REDIS_CLUSTER_PORT', 7101, env);
  if (first + 2 + 10_000 > 65_535) throw new Error(`BOOKSTORE_REDIS_CLUSTER_PORT must leave room for three nodes and their bus ports (+10000), got ${first}`);
  return [first, first + 1, first + 2];
}

export interface RedisClusterProcess {
  readonly nodes: Array<{ host: string; port: number }>;
  /** Stops every node and removes their files. */
  close(): Promise<void>;
}

const HOST = '127.0.0.1';

/**
 * A real Redis Cluster of the test's own: three `redis-server --cluster-enabled yes` masters on
 * loopback (no replicas, no persistence), joined with `redis-cli --cluster create`, up once every node
 * reports `cluster_state:ok`. It fails, never skips, when a port is taken or a node does not start.
 * The processes are killed when the test process exits, should close() never run.
 */
export async function startRedisCluster(ports: number[] = redisClusterPorts()): Promise<RedisClusterProcess> {
  for (const command of ['redis-server', 'redis-cli']) {
    if (spawnSync(command, ['--version']).status !== 0) throw new Error(`${command} is not installed: \`npm run engines -- up --only redis\` installs it`);
  }
  for (const port of ports.flatMap((p) => [p, p + 10_000])) {
    if (!(await portIsFree(port))) {
      throw new Error(`port ${port} is taken, so the test Redis Cluster cannot start there: stop what listens on it or set BOOKSTORE_REDIS_CLUSTER_PORT`);
    }
  }
  const dir = tempDir('bookstore-redis-cluster-');
  const children: ChildProcess[] = [];
  const killAll = () => children.forEach((child) => child.kill('SIGKILL'));
  process.once('exit', killAll);
  const close = async () => {
    await Promise.all(
      children.map((child) =>
        child.exitCode !== null || child.signalCode !== null ? undefined : new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }),
      ),
    );
    process.off('exit', killAll);
    dir.remove();
  };
  try {
    const started = await Promise.allSettled(ports.map((port) => startNode(port, dir.path)));
    for (const node of started) if (node.status === 'fulfilled') children.push(node.value);
    const failed = started.find((node) => node.status === 'rejected');
    if (failed) throw failed.reason;
    await runCommand('redis-cli', ['--cluster', 'create', ...ports.map((port) => `${HOST}:${port}`), '--cluster-replicas', '0', '--cluster-yes']);
    await Promise.all(ports.map((port) => waitForClusterOk(port)));
  } catch (error) {
    await close();
    throw error;
  }
  return { nodes: ports.map((port) => ({ host: HOST, port })), close };
}

async function startNode(port: number, dir: string): Promise<ChildProcess> {
  const args = ['--port', String(port), '--bind', HOST, '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`];
  args.push('--cluster-node-timeout', '5000', '--save', '', '--appendonly', 'no', '--dir', dir);
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`cluster node on ${port} not ready within 30 s:\n${output}`)), 30_000);
    const done = (error?: Error) => {
      clearTimeout(timer);
      if (error) reject(error);
      else resolve();
    };
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) done();
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', (error) => done(error));
    child.once('exit', (code) => done(new Error(`cluster node on ${port} exited with ${code}:\n${output}`)));
  }).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });
  return child;
}

async function waitForClusterOk(port: number): Promise<void> {
  const node = new Redis({ host: HOST, port, lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await node.connect();
    const deadline = Date.now() + 30_000;
    let info = '';
    while (Date.now() < deadline) {
      info = await node.cluster('INFO');
      if (info.includes('cluster_state:ok')) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`the cluster node on ${port} did not reach cluster_state:ok within 30 s:\n${info}`);
  } finally {
    node.disconnect();
  }
}
