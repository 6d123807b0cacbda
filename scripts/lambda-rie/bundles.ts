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
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESM_BANNER, EXTERNAL_MODULES, MODULE_ALIASES } from '../../infra/lib/compute/bundle-shape.js';

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

interface TemplateResource {
  Type: string;
  Properties?: Record<string, any>;
  Metadata?: Record<string, any>;
}

/** Logical ids a property refers to (Ref, Fn::GetAtt), anywhere inside it. */
function references(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) references(v, into);
  else if (value !== null && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'Ref' && typeof v === 'string') into.add(v);
      else if (key === 'Fn::GetAtt' && Array.isArray(v) && typeof v[0] === 'string') into.add(v[0]);
      else references(v, into);
    }
  }
  return into;
}

/** The metadata infra/lib/compute/app-function.ts puts on each function: `{ role, assetPath, handler }`. */
export const BUNDLE_METADATA_KEY = 'bookstore:bundle';

/**
 * The functions of one stack in a cloud assembly. Each says which it is in its `bookstore:bundle`
 * metadata; failing that, the stream function is the one a DynamoDB event source mapping invokes and
 * the HTTP function the one an HTTP API integration calls. Each one's code is the asset directory
 * its metadata (or `aws:asset:path`) names.
 */
export function synthesizedBundles(assembly: string, stack: string): Bundles {
  const templateFile = join(assembly, `${stack}.template.json`);
  if (!existsSync(templateFile)) {
    const stacks = existsSync(assembly) ? readdirSync(assembly).filter((f) => f.endsWith('.template.json')) : [];
    throw new Error(
      `no ${stack}.template.json in ${assembly} (found: ${stacks.join(', ') || 'none'}). Run \`npm run synth\` first, ` +
        'set BOOKSTORE_LAMBDA_STACK to another stack, or BOOKSTORE_LAMBDA_BUNDLES=esbuild to build the bundles here',
    );
  }
  const resources: Record<string, TemplateResource> = JSON.parse(readFileSync(templateFile, 'utf8')).Resources ?? {};
  const functions = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::Lambda::Function');
  const invokedBy = (type: string, property: string) =>
    new Set(Object.values(resources).filter((r) => r.Type === type).flatMap((r) => [...references(r.Properties?.[property])]));
  const byMetadata = (role: FunctionRole) => new Set(functions.filter(([, fn]) => fn.Metadata?.[BUNDLE_METADATA_KEY]?.role === role).map(([id]) => id));
  const targets = (role: FunctionRole) => {
    const marked = byMetadata(role);
    if (marked.size > 0) return marked;
    return role === 'http' ? invokedBy('AWS::ApiGatewayV2::Integration', 'IntegrationUri') : invokedBy('AWS::Lambda::EventSourceMapping', 'FunctionName');
  };
  const pick = (role: FunctionRole, targets: Set<string>): LambdaBundle => {
    const found = functions.filter(([id]) => targets.has(id));
    if (found.length !== 1) {
      throw new Error(
        `${templateFile}: expected one function behind ${role === 'http' ? 'an HTTP API integration' : 'a DynamoDB event source mapping'}, ` +
          `found ${found.map(([id]) => id).join(', ') || 'none'} (functions: ${functions.map(([id]) => id).join(', ') || 'none'})`,
      );
    }
    const [id, fn] = found[0]!;
    const assetPath = fn.Metadata?.[BUNDLE_METADATA_KEY]?.assetPath ?? fn.Metadata?.['aws:asset:path'];
    if (typeof assetPath !== 'string') throw new Error(`${templateFile}: function ${id} has no aws:asset:path metadata (synthesize with asset metadata on)`);
    const taskRoot = resolve(assembly, assetPath);
    const handler: string = fn.Properties?.Handler ?? fn.Metadata?.[BUNDLE_METADATA_KEY]?.handler ?? 'index.handler';
    const moduleName = handler.slice(0, handler.lastIndexOf('.'));
    const file = ['.mjs', '.js', '.cjs'].map((ext) => join(taskRoot, moduleName + ext)).find((f) => existsSync(f));
    if (!file) throw new Error(`function ${id}: no ${moduleName}.mjs in ${taskRoot}; run \`npm run synth\` again`);
    const variables: Record<string, unknown> = fn.Properties?.Environment?.Variables ?? {};
    // Plain values only: references to deployed resources mean nothing here and are replaced by local engines.
    const environment = Object.fromEntries(Object.entries(variables).filter((e): e is [string, string] => typeof e[1] === 'string'));
    return {
      role,
      taskRoot,
      handler,
      file,
      bytes: statSync(file).size,
      source: `${stack}/${id} (${assetPath})`,
      environment,
      memoryMb: fn.Properties?.MemorySize,
      timeoutSeconds: fn.Properties?.Timeout,
    };
  };
  return { http: pick('http', targets('http')), stream: pick('stream', targets('stream')) };
}
