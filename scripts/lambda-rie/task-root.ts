/**
 * A function's file system as Lambda lays it out, staged under the temp directory: the code in
 * `var/task`, and the AWS SDK v3 the nodejs24.x runtime ships beside it, importable from the code
 * (the functions leave `@aws-sdk/*` and `@smithy/*` out of their bundles for it). Nothing else is
 * importable: staged under the repository, the bundle would find the repository's node_modules and
 * a package wrongly left out of it would go unnoticed.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './bundles.js';

/** What the runtime provides (its own copy; here, the repository's, so the versions are package-lock's). */
export const RUNTIME_PROVIDED_SCOPES = ['@aws-sdk', '@smithy'];

export interface StagedTask {
  /** LAMBDA_TASK_ROOT. */
  taskRoot: string;
  /** Where the runtime's SDK sits (NODE_PATH on Lambda, for require()). */
  runtimeModules: string;
  remove(): void;
}

export function stageTask(codeDir: string, name: string): StagedTask {
  const stage = mkdtempSync(join(tmpdir(), `bookstore-lambda-${name}-`));
  const taskRoot = join(stage, 'var', 'task');
  cpSync(codeDir, taskRoot, { recursive: true });
  // `var/node_modules` is on the resolution path of /var/task/index.mjs, for import and require alike.
  const runtimeModules = join(stage, 'var', 'node_modules');
  mkdirSync(runtimeModules, { recursive: true });
  for (const scope of RUNTIME_PROVIDED_SCOPES) {
    const installed = join(ROOT, 'node_modules', scope);
    if (!existsSync(installed)) throw new Error(`${installed} is missing: run npm install (the emulated runtime provides the AWS SDK from it)`);
    symlinkSync(installed, join(runtimeModules, scope), 'dir');
  }
  return { taskRoot, runtimeModules, remove: () => rmSync(stage, { recursive: true, force: true }) };
}
