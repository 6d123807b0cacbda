/**
 * What every engine module provides, and where the engines live on disk.
 *
 * Everything fetched or written at run time goes under one cache directory outside the repository
 * (default `~/.cache/bookstore-engines`, or BOOKSTORE_ENGINES_CACHE), so deleting it resets the machine
 * and a `git clean` never throws away a 200 MB download.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export const LOOPBACK = '127.0.0.1';

export interface CacheLayout {
  root: string;
  /** Maven's local repository: kept inside the cache so the engines never share state with ~/.m2. */
  mavenRepository: string;
  /** Generated poms, one directory per engine. */
  maven: string;
  /** Unpacked distributions and installed runtimes, one versioned directory per engine. */
  installs: string;
  /** Pid files of the processes `up` started: the only processes `down` will ever signal. */
  run: string;
  logs: string;
  /** Data and scratch directories the engines write while running. */
  data: string;
}

export function cacheLayout(env: NodeJS.ProcessEnv = process.env): CacheLayout {
  const root = resolve(env.BOOKSTORE_ENGINES_CACHE || join(homedir(), '.cache', 'bookstore-engines'));
  const layout: CacheLayout = {
    root,
    mavenRepository: join(root, 'm2'),
    maven: join(root, 'maven'),
    installs: join(root, 'installs'),
    run: join(root, 'run'),
    logs: join(root, 'logs'),
    data: join(root, 'data'),
  };
  for (const dir of Object.values(layout)) mkdirSync(dir, { recursive: true });
  return layout;
}

/** A port from its environment variable, or the engine's usual port; a bad value names the variable. */
export function portFromEnv(variable: string, fallback: number, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[variable];
  if (raw === undefined || raw.trim() === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`${variable} must be a TCP port between 1 and 65535, got "${raw}"`);
  }
  return port;
}

/** How to start an installed engine in the foreground; `up` detaches it and sends its output to a log. */
export interface LaunchSpec {
  command: string;
  args: string[];
  cwd: string;
  env?: NodeJS.ProcessEnv;
}

export interface Installed {
  version: string;
  launch(port: number): LaunchSpec;
}

export type Progress = (message: string) => void;

export interface Engine {
  /** The name used by `--only`, pid files and logs. */
  name: string;
  title: string;
  portVariable: string;
  defaultPort: number;
  /** Seconds to wait for a fresh process to answer before giving up (OpenSearch is the slow one). */
  readyTimeoutSeconds: number;
  endpoint(port: number): string;
  /** Fetches on first use, then returns at once from the cache. */
  install(cache: CacheLayout, progress: Progress): Promise<Installed>;
  /** True only when the engine itself answers on the port, not merely when something listens there. */
  answers(port: number): Promise<boolean>;
}

/**
 * Runs `fetch` into an empty `dir` unless a previous run completed it. The marker is written last, so
 * an interrupted download is thrown away and redone instead of being started half-installed.
 */
export async function installOnce(dir: string, fetch: () => Promise<void>): Promise<'cached' | 'fetched'> {
  const marker = join(dir, '.installed');
  if (existsSync(marker)) return 'cached';
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  await fetch();
  writeFileSync(marker, `${new Date().toISOString()}\n`);
  return 'fetched';
}
