/**
 * The two function bundles the emulator runs, from one of two places (BOOKSTORE_LAMBDA_BUNDLES):
 *
 * - `cdk.out` (or a path to a cloud assembly): the assets `npm run synth` wrote, found through the
 *   synthesized template; nothing is rebuilt, so what runs is what would be deployed.
 * - `esbuild`: built here from src/lambda with the options NodejsFunction passes to esbuild (ESM
 *   `.mjs`, node24, minified, the createRequire banner, SQLite and the embedded profile left out),
 *   for a checkout where the CDK app does not synthesize the functions yet.
 */
import { build, type BuildOptions } from 'esbuild';
import { cpSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESM_BANNER, EXTERNAL_MODULES, MODULE_ALIASES } from '../../infra/lib/compute/bundle-shape.js';
import { findBundles, type SynthesizedBundle } from '../../infra/lib/compute/bundles.js';

export type FunctionRole = 'http' | 'stream';

export interface LambdaBundle {
  role: FunctionRole;
  /** LAMBDA_TASK_ROOT: the directory Lambda unpacks the code into. */
  taskRoot: string;
  /** `index.handler`, as in the function's Handler property. */
  handler: string;
  /** The handler's module file and its size. */
  file: string;
  bytes: number;
  /** Where it came from: the cloud assembly's asset (with the function's logical id) or a local esbuild. */
  source: string;
  /** The function's plain-string environment variables from the template (empty for a local build). */
  environment: Record<string, string>;
  memoryMb?: number;
  timeoutSeconds?: number;
}

export type Bundles = Record<FunctionRole, LambdaBundle> & {
  /** Where a local build wrote them (a fresh temp directory per call), for the caller to delete when done; unset for cdk.out. */
  builtIn?: string;
};

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

const ENTRIES: Record<FunctionRole, string> = {
  http: join(ROOT, 'src', 'lambda', 'http-handler.ts'),
  stream: join(ROOT, 'src', 'lambda', 'stream-handlers.ts'),
};

/**
 * Where the bundles come from: BOOKSTORE_LAMBDA_BUNDLES=`cdk.out` (the default cloud assembly at the
 * repository root), a path to a cloud assembly, or `esbuild` (the default until the CDK app has functions).
 */
export async function locateBundles(env: NodeJS.ProcessEnv = process.env): Promise<Bundles> {
  const choice = env.BOOKSTORE_LAMBDA_BUNDLES || 'esbuild';
  // A directory of its own per build: a test file and a benchmark may build at the same time.
  if (choice === 'esbuild') return buildBundles(mkdtempSync(join(tmpdir(), 'bookstore-lambda-build-')));
  const assembly = choice === 'cdk.out' ? join(ROOT, 'cdk.out') : isAbsolute(choice) ? choice : resolve(choice);
  return synthesizedBundles(assembly, env.BOOKSTORE_LAMBDA_STACK || 'Bookstore-dev');
}


/** Files bundled code reads from beside itself at run time, copied next to index.mjs (NodejsFunction: commandHooks.afterBundling). */
export const BESIDE_THE_BUNDLE: Record<FunctionRole, Array<{ from: string; to: string }>> = {
  http: [{ from: join(ROOT, 'node_modules', '@fastify', 'swagger-ui', 'static'), to: 'static' }],
  stream: [],
};

/** NodejsFunction's esbuild options for a nodejs24.x ESM function (aws-cdk-lib/aws-lambda-nodejs). */
export function esbuildOptions(entry: string, outfile: string): BuildOptions {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'esm',
    minify: true,
    mainFields: ['module', 'main'],
    // Bundled CommonJS calls require() and reads files beside itself through __dirname; ESM has
    // neither until the banner makes them (@fastify/swagger-ui reads its logo at registration).
    banner: { js: ESM_BANNER },
    // As infra/lib/compute/bundling.ts: the runtime ships the AWS SDK, and the engines profile never
    // loads the embedded one's adapters (composition.ts imports each profile's lazily).
    external: [...EXTERNAL_MODULES],
    alias: { ...MODULE_ALIASES },
    charset: 'utf8',
    logLevel: 'warning',
  };
}

/** One function's code, as NodejsFunction writes its asset: `index.mjs` (and what must sit beside it) in a fresh directory. */
export async function buildBundle(entry: string, taskRoot: string, beside: ReadonlyArray<{ from: string; to: string }> = []): Promise<string> {
  const file = join(taskRoot, 'index.mjs');
  rmSync(taskRoot, { recursive: true, force: true });
  await build(esbuildOptions(entry, file));
  for (const { from, to } of beside) cpSync(from, join(taskRoot, to), { recursive: true });
  return file;
}

export async function buildBundles(outDir: string): Promise<Bundles> {
  const bundles = { builtIn: outDir } as Bundles;
  for (const role of ['http', 'stream'] as const) {
    const taskRoot = join(outDir, role);
    const file = await buildBundle(ENTRIES[role], taskRoot, BESIDE_THE_BUNDLE[role]);
    bundles[role] = { role, taskRoot, handler: 'index.handler', file, bytes: statSync(file).size, source: `esbuild ${ENTRIES[role]}`, environment: {} };
  }
  return bundles;
}

/**
 * The HTTP and stream functions of one stack in a cloud assembly, as the emulator runs them: found by
 * the CDK app's own lookup (infra/lib/compute/bundles.ts), with the template's plain-string variables
 * only (references to deployed resources mean nothing here and are replaced by local engines).
 */
export function synthesizedBundles(assembly: string, stack: string): Bundles {
  const found = findBundles(assembly, stack);
  const emulated = (bundle: SynthesizedBundle): LambdaBundle => ({
    role: bundle.role as FunctionRole,
    taskRoot: bundle.dir,
    handler: bundle.handler,
    file: bundle.file,
    bytes: bundle.bytes,
    source: `${stack}/${bundle.logicalId} (${bundle.assetPath})`,
    environment: Object.fromEntries(Object.entries(bundle.environment).filter((e): e is [string, string] => typeof e[1] === 'string')),
    memoryMb: bundle.memoryMb,
    timeoutSeconds: bundle.timeoutSeconds,
  });
  return { http: emulated(found.http), stream: emulated(found.stream) };
}
