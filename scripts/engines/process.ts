/**
 * Starting engines as detached processes, knowing which ones are ours, and stopping only those.
 *
 * A pid file alone cannot prove ownership: after a reboot or a crash the same pid may belong to an
 * unrelated program. So each pid file also records the process's start time as the kernel reports it,
 * and a process is ours only while both still match.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LaunchSpec } from './engine.js';

export interface PidRecord {
  pid: number;
  startTime: string;
  port: number;
  version: string;
  startedAt: string;
}

export function pidFile(runDir: string, engine: string): string {
  return join(runDir, `${engine}.pid.json`);
}

export function logFile(logsDir: string, engine: string): string {
  return join(logsDir, `${engine}.log`);
}

/**
 * The kernel's start time of a process (clock ticks since boot on Linux), or undefined if it is gone.
 * A zombie counts as gone: it no longer runs, and where nothing reaps orphans it would never disappear.
 */
export function processStartTime(pid: number): string | undefined {
  if (existsSync('/proc/self/stat')) {
    try {
      // The command name (field 2) may contain spaces and parentheses, so count fields after the last ')'.
      const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
      return fields[0] === 'Z' ? undefined : fields[19];
    } catch {
      return undefined;
    }
  }
  const ps = spawnSync('ps', ['-o', 'lstart=', '-p', String(pid)], { encoding: 'utf8' });
  const started = ps.stdout?.trim();
  return ps.status === 0 && started ? started : undefined;
}

export function readPidRecord(runDir: string, engine: string): PidRecord | undefined {
  try {
    return JSON.parse(readFileSync(pidFile(runDir, engine), 'utf8')) as PidRecord;
  } catch {
    return undefined;
  }
}

/** The engine's process if `up` started it and it is still that same process. */
export function ownedProcess(runDir: string, engine: string): PidRecord | undefined {
  const record = readPidRecord(runDir, engine);
  if (!record) return undefined;
  return processStartTime(record.pid) === record.startTime ? record : undefined;
}

export function forgetProcess(runDir: string, engine: string): void {
  rmSync(pidFile(runDir, engine), { force: true });
}

export interface Started {
  record: PidRecord;
  /** How the process ended, once it has (while this command still runs); undefined while it runs. */
  exitReason: () => string | undefined;
}

/**
 * Starts the process in its own process group (so `down` can stop the children it spawns too) with
 * stdout and stderr going to a fresh log file, and records it as ours.
 */
export function startDetached(
  spec: LaunchSpec,
  files: { runDir: string; log: string; engine: string },
  about: { port: number; version: string },
): Started {
  const out = openSync(files.log, 'w');
  const child = spawn(spec.command, spec.args, {
    cwd: spec.cwd,
    env: spec.env ?? process.env,
    detached: true,
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  let exitReason: string | undefined;
  child.once('error', (error) => (exitReason = `could not be started: ${error.message}`));
  child.once('exit', (code, signal) => (exitReason = signal ? `was killed by ${signal}` : `exited with code ${code}`));
  child.unref();
  const pid = child.pid;
  const startTime = pid === undefined ? undefined : processStartTime(pid);
  if (pid === undefined || startTime === undefined) {
    throw new Error(`${spec.command} could not be started (see ${files.log})`);
  }
  const record: PidRecord = { pid, startTime, port: about.port, version: about.version, startedAt: new Date().toISOString() };
  writeFileSync(pidFile(files.runDir, files.engine), `${JSON.stringify(record, null, 2)}\n`);
  return { record, exitReason: () => exitReason };
}

export function logTail(path: string, lines = 25): string {
  if (!existsSync(path)) return '(no log written)';
  // Logs can grow large (OpenSearch); only the end matters for a start-up failure.
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, 64 * 1024);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    const text = buffer.toString('utf8').trimEnd();
    return text === '' ? '(log is empty)' : text.split('\n').slice(-lines).join('\n');
  } finally {
    closeSync(fd);
  }
}

/** A start-up failure: `summary` fits in a table cell, the message adds the end of the engine's log. */
export class EngineStartError extends Error {
  constructor(
    readonly summary: string,
    log: string,
  ) {
    super(`${summary}. Last lines of ${log}:\n${logTail(log)}`);
  }
}

/**
 * Polls `answers` until it is true. Fails fast if the process dies, and after `timeoutSeconds` fails
 * with the end of the log, which is where the reason (port taken, bad config, missing library) shows up.
 */
export async function waitUntilReady(options: {
  title: string;
  answers: () => Promise<boolean>;
  exitReason: () => string | undefined;
  timeoutSeconds: number;
  log: string;
}): Promise<void> {
  const deadline = Date.now() + options.timeoutSeconds * 1000;
  while (Date.now() < deadline) {
    if (await options.answers()) return;
    const exitReason = options.exitReason();
    if (exitReason !== undefined) {
      throw new EngineStartError(`${options.title} ${exitReason} before answering`, options.log);
    }
    await sleep(500);
  }
  throw new EngineStartError(`${options.title} did not answer within ${options.timeoutSeconds} s`, options.log);
}

/**
 * Stops a process `up` started: SIGTERM to its process group, then SIGKILL if it has not gone after
 * `graceSeconds`. The caller must have checked ownership with `ownedProcess` first.
 */
export async function stopProcessGroup(record: PidRecord, graceSeconds = 20): Promise<'stopped' | 'killed'> {
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-record.pid, signal);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  };
  const running = () => processStartTime(record.pid) === record.startTime;
  signalGroup('SIGTERM');
  const deadline = Date.now() + graceSeconds * 1000;
  while (Date.now() < deadline) {
    if (!running()) return 'stopped';
    await sleep(200);
  }
  signalGroup('SIGKILL');
  const killDeadline = Date.now() + 10_000;
  while (running()) {
    if (Date.now() > killDeadline) throw new Error(`pid ${record.pid} survived SIGKILL for 10 s`);
    await sleep(100);
  }
  return 'killed';
}

/** True when nothing listens on the loopback port (a listener on 0.0.0.0 counts as taken). */
export function portIsFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolveFree) => {
    const server = createServer();
    server.once('error', () => resolveFree(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolveFree(true)));
  });
}

export async function waitForPortFree(port: number, seconds = 10): Promise<boolean> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (await portIsFree(port)) return true;
    await sleep(200);
  }
  return portIsFree(port);
}

/**
 * Runs a setup command (mvn, pip, apt-get) in the foreground, handing each output line to `onLine`
 * (Maven redraws its progress with carriage returns, so those split lines too). On failure the error
 * carries the command and the last lines it printed.
 */
export async function runCommand(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; onLine?: (line: string) => void } = {},
): Promise<void> {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const recent: string[] = [];
  let pending = '';
  const take = (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    const pieces = pending.split(/\r\n|\r|\n/);
    pending = pieces.pop() ?? '';
    for (const raw of pieces) {
      const line = raw.replace(/\u001b\[[0-9;]*m/g, '');
      if (line.trim() === '') continue;
      recent.push(line);
      if (recent.length > 40) recent.shift();
      options.onLine?.(line);
    }
  };
  child.stdout.on('data', take);
  child.stderr.on('data', take);
  const outcome = await new Promise<{ code: number | null; error?: Error }>((resolveRun) => {
    child.once('error', (error) => resolveRun({ code: null, error }));
    child.once('close', (code) => resolveRun({ code }));
  });
  if (pending.trim() !== '') recent.push(pending);
  if (outcome.error || outcome.code !== 0) {
    const why = outcome.error ? outcome.error.message : `exit code ${outcome.code}`;
    throw new Error(`\`${[command, ...args].join(' ')}\` failed (${why}). Last output:\n${recent.join('\n')}`);
  }
}

/** The path of an executable on PATH, or undefined. */
export function which(command: string): string | undefined {
  const found = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  const path = found.stdout?.trim();
  return found.status === 0 && path ? path : undefined;
}
