import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../free-port.js';

export type Profile = 'embedded' | 'engines';

const root = fileURLToPath(new URL('../..', import.meta.url));
const CLI = ['--import', 'tsx', 'src/cli/main.ts'];


/** `bookstore serve` in a process of its own over a store seeded for the soak, on 127.0.0.1. */
export class SoakServer {
  private child: ChildProcess | null = null;
  private output = '';
  /** Everything every server process printed, kept after the soak (its path is printed on a violation). */
  readonly logPath: string;
  private readonly log: WriteStream;

  private constructor(
    readonly baseUrl: string,
    readonly admin: { email: string; password: string },
    private readonly env: NodeJS.ProcessEnv,
    private readonly dataDir: string,
    private readonly say: (line: string) => void,
  ) {
    this.logPath = `${dataDir}.log`;
    this.log = createWriteStream(this.logPath);
  }

  static async start(profile: Profile, engineEnv: Record<string, string>, say: (line: string) => void): Promise<SoakServer> {
    const dataDir = mkdtempSync(join(tmpdir(), 'bookstore-soak-'));
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...engineEnv,
      BOOKSTORE_PROFILE: profile,
      BOOKSTORE_DATA_DIR: dataDir,
      // Info: the projections' rebuilds and replays are what explains a drift; requests are logged too.
      BOOKSTORE_LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      PORT: String(port),
    };
    const cli = (args: string[]) => {
      const r = spawnSync(process.execPath, [...CLI, ...args], { cwd: root, env, encoding: 'utf8', timeout: 600_000 });
      if (r.status !== 0) throw new Error(`bookstore ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
      return r.stdout;
    };
    say(`seeding a ${profile} store in ${dataDir}`);
    cli(profile === 'engines' ? ['seed', '--books', '80', '--users', '15', '--orders', '60'] : ['seed', '--books', '300', '--users', '20', '--orders', '200']);
    const email = 'soak-admin@example.com';
    const password = /password, shown only this once: (\S+)/.exec(cli(['admin', 'create', email]))?.[1];
    if (!password) throw new Error('bookstore admin create printed no password');
    const server = new SoakServer(`http://127.0.0.1:${port}`, { email, password }, env, dataDir, say);
    server.spawn();
    await server.waitReady();
    return server;
  }

  /** Until /readyz answers 200 (every store answers), at most 3 minutes. */
  async waitReady(): Promise<void> {
    const deadline = Date.now() + 180_000;
    while (Date.now() < deadline) {
      try {
        const res = await fetch(`${this.baseUrl}/readyz`, { signal: AbortSignal.timeout(5_000) });
        if (res.status === 200) return;
      } catch {
        // Not listening yet.
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`the server was not ready within 3 minutes; its output:\n${this.output.slice(-4000)}`);
  }

  /**
   * What the server processes logged about the derived stores and the engines (not requests): the
   * last `lines` such lines, each cut to 400 characters, which is what explains a drift.
   */
  storeLog(lines: number): string {
    const wanted = readFileSync(this.logPath, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '' && !/"msg":"(incoming request|request completed)"/.test(line));
    // A line's start says what happened; a stack trace repeated on every retry would push older lines out of CI's tail.
    return wanted
      .slice(-lines)
      .map((line) => (line.length > 400 ? `${line.slice(0, 400)}…` : line))
      .join('\n');
  }

  /** The hard way: no shutdown hooks, no flushing; then a new process on the same data and port. */
  async killAndRestart(): Promise<void> {
    await this.end('SIGKILL');
    this.spawn();
  }

  /** Stops the server and removes its data; its log too unless `keepLog` (a violation it may explain). */
  async stop(keepLog = false): Promise<void> {
    await this.end('SIGTERM');
    await new Promise<void>((resolve) => this.log.end(resolve));
    rmSync(this.dataDir, { recursive: true, force: true });
    if (!keepLog) rmSync(this.logPath, { force: true });
  }

  private spawn(): void {
    const child = spawn(process.execPath, [...CLI, 'serve'], { cwd: root, env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (d: Buffer) => {
      this.output = (this.output + d.toString()).slice(-20_000);
      this.log.write(d);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    child.once('exit', (code, signal) => {
      if (this.child === child) this.say(`the server exited on its own (${signal ?? code})`);
    });
    this.child = child;
  }

  private async end(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    this.child = null;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    await exited;
  }
}
