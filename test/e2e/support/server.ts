import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const BIN = join(root, 'bin', 'bookstore.js');

export interface SeedSize {
  books: number;
  users: number;
  orders: number;
}

export interface Storefront {
  baseUrl: string;
  dataDir: string;
  /** Runs a `bookstore` command against the same data directory and returns its output. */
  cli(args: string[]): string;
  output(): string;
  stop(): Promise<void>;
}

function env(dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, BOOKSTORE_DATA_DIR: dataDir, BOOKSTORE_SCRYPT_COST: '16384', BOOKSTORE_LOG_LEVEL: 'warn', ...extra };
}

/**
 * The built server (`npm run build` output, as `npm start` runs it) on a free port over a fresh
 * seeded store in a temp directory.
 */
export async function startStorefront(size: SeedSize): Promise<Storefront> {
  for (const built of ['dist/cli/main.js', 'dist/web/index.html']) {
    if (!existsSync(join(root, built))) throw new Error(`${built} is missing: run \`npm run build\` first (npm run test:e2e does)`);
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'bookstore-e2e-'));

  const cli = (args: string[]): string => {
    const r = spawnSync(process.execPath, [BIN, ...args], { cwd: root, env: env(dataDir), encoding: 'utf8', timeout: 120_000 });
    if (r.status !== 0) throw new Error(`bookstore ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  };
  cli(['seed', '--books', String(size.books), '--users', String(size.users), '--orders', String(size.orders), '--seed', '7']);

  const child: ChildProcess = spawn(process.execPath, [BIN, 'serve'], { cwd: root, env: env(dataDir, { PORT: '0', HOST: '127.0.0.1' }), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start within 60 s:\n${out}`)), 60_000);
    child.stdout!.on('data', () => {
      const m = /serving (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with ${code} before serving:\n${out}`));
    });
  });

  return {
    baseUrl,
    dataDir,
    cli,
    output: () => out,
    async stop() {
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
