/**
 * Redis from the operating system's packages (installed with apt-get when missing and running as root),
 * with persistence off: it stands in for an ElastiCache node whose contents the projections can rebuild.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { LOOPBACK, type Engine, type Installed, type Progress } from './engine.js';
import { runCommand, which } from './process.js';
import { tcpExchange } from './probes.js';

async function installRedisPackage(progress: Progress): Promise<void> {
  if (process.getuid?.() !== 0 || !which('apt-get')) {
    throw new Error('redis-server is not installed: install Redis (Debian/Ubuntu: `sudo apt-get install redis-server`, macOS: `brew install redis`).');
  }
  progress('redis-server not found: installing the Debian package (apt-get update, apt-get install redis-server)');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await runCommand('apt-get', ['update'], { env });
  await runCommand('apt-get', ['install', '-y', '--no-install-recommends', 'redis-server'], {
    env,
    onLine: (line) => {
      if (/^(Get:|Setting up redis)/.test(line)) progress(line);
    },
  });
}

export const redis: Engine = {
  name: 'redis',
  title: 'Redis',
  portVariable: 'BOOKSTORE_REDIS_PORT',
  defaultPort: 6379,
  readyTimeoutSeconds: 30,
  endpoint: (port) => `redis://${LOOPBACK}:${port}`,

  async install(cache, progress): Promise<Installed> {
    if (!which('redis-server')) await installRedisPackage(progress);
    const server = which('redis-server');
    if (!server) throw new Error('redis-server is still not on PATH after installing it.');
    // `redis-server --version` prints e.g. "Redis server v=7.0.15 sha=00000000:0 malloc=jemalloc-5.3.0 ...".
    const version = /v=(\S+)/.exec(spawnSync(server, ['--version'], { encoding: 'utf8' }).stdout ?? '')?.[1] ?? 'unknown';
    const dir = join(cache.data, 'redis');
    mkdirSync(dir, { recursive: true });
    return {
      version,
      launch: (port) => ({
        command: server,
        args: ['--bind', LOOPBACK, '--port', String(port), '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--dir', dir],
        cwd: dir,
      }),
    };
  },

  async answers(port) {
    const reply = await tcpExchange(port, 'PING\r\n', (received) => received.includes('\r\n'));
    return reply?.startsWith('+PONG') ?? false;
  },
};
