/**
 * The one lookup of the function bundles a synth wrote, for everything that runs them: the template
 * tests, and the Lambda Runtime Interface Emulator harness (scripts/lambda-rie/bundles.ts), so what
 * runs there is what would be deployed. Free of aws-cdk-lib on purpose: the harness imports it
 * without loading the CDK.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Which bundle a function runs; recorded in the function's template metadata (app-function.ts writes it). */
export type BundleRole = 'http' | 'stream' | 'rebuild';

/** The template metadata key naming a function's bundle: `{ role, assetPath, handler }`. */
export const BUNDLE_METADATA_KEY = 'bookstore:bundle';

export interface SynthesizedBundle {
  role: BundleRole;
  /** The function's logical id in the template. */
  logicalId: string;
  /** The asset directory Lambda's code is zipped from (LAMBDA_TASK_ROOT when it runs): `<cdk.out>/asset.<hash>`. */
  dir: string;
  /** `dir` as the template names it, relative to the cloud assembly. */
  assetPath: string;
  /** The bundled handler module: `<dir>/index.mjs` for `index.handler`. */
  file: string;
  /** Its size in bytes. */
  bytes: number;
  /** Lambda's handler setting: `index.handler` (file `index.mjs`, export `handler`). */
  handler: string;
  /** The function's environment in the template (values may be CloudFormation references). */
  environment: Record<string, unknown>;
  memoryMb?: number;
  timeoutSeconds?: number;
}

/** The two bundles every stack has (the emulator runs them); others, such as `rebuild`, when the stack has them. */
export type SynthesizedBundles = Record<'http' | 'stream', SynthesizedBundle> & Partial<Record<BundleRole, SynthesizedBundle>>;

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

/**
 * The functions of one stack in a cloud assembly (`findBundles('cdk.out', 'Bookstore-dev').http.file`).
 * Each says which it is in its `bookstore:bundle` metadata; a template without that metadata (an
 * older synth) still yields the two the emulator needs: the stream function is the one a DynamoDB
 * event source mapping invokes, the HTTP function the one an HTTP API integration calls, and the code
 * is the directory `aws:asset:path` names.
 */
export function findBundles(cloudAssemblyDir: string, stackName: string): SynthesizedBundles {
  const templatePath = join(cloudAssemblyDir, `${stackName}.template.json`);
  if (!existsSync(templatePath)) {
    const stacks = existsSync(cloudAssemblyDir) ? readdirSync(cloudAssemblyDir).filter((f) => f.endsWith('.template.json')) : [];
    throw new Error(
      `no ${stackName}.template.json in ${cloudAssemblyDir} (found: ${stacks.join(', ') || 'none'}). Run \`npm run synth\` first, ` +
        'set BOOKSTORE_LAMBDA_STACK to another stack, or BOOKSTORE_LAMBDA_BUNDLES=esbuild to build the bundles here',
    );
  }
  const resources: Record<string, TemplateResource> = JSON.parse(readFileSync(templatePath, 'utf8')).Resources ?? {};
  const functions = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::Lambda::Function');

  const marked = new Map<BundleRole, string[]>();
  for (const [id, fn] of functions) {
    const role = fn.Metadata?.[BUNDLE_METADATA_KEY]?.role as BundleRole | undefined;
    if (role) marked.set(role, [...(marked.get(role) ?? []), id]);
  }
  const invokedBy = (type: string, property: string) =>
    new Set(Object.values(resources).filter((r) => r.Type === type).flatMap((r) => [...references(r.Properties?.[property])]));
  const candidates = (role: BundleRole): string[] => {
    if (marked.size > 0) return marked.get(role) ?? [];
    if (role === 'rebuild') return [];
    const targets = role === 'http' ? invokedBy('AWS::ApiGatewayV2::Integration', 'IntegrationUri') : invokedBy('AWS::Lambda::EventSourceMapping', 'FunctionName');
    return functions.filter(([id]) => targets.has(id)).map(([id]) => id);
  };

  const bundleOf = (role: BundleRole, logicalId: string): SynthesizedBundle => {
    const fn = resources[logicalId]!;
    const meta = fn.Metadata?.[BUNDLE_METADATA_KEY] as { assetPath?: string; handler?: string } | undefined;
    const assetPath = meta?.assetPath ?? fn.Metadata?.['aws:asset:path'];
    if (typeof assetPath !== 'string') throw new Error(`${templatePath}: function ${logicalId} has no asset path in its metadata (synthesize with asset metadata on)`);
    const dir = resolve(cloudAssemblyDir, assetPath);
    const handler: string = fn.Properties?.Handler ?? meta?.handler ?? 'index.handler';
    const moduleName = handler.slice(0, handler.lastIndexOf('.'));
    // A synth with bundling skipped (context aws:cdk:bundling-stacks=[]) points at the sources instead.
    const file = ['.mjs', '.js', '.cjs'].map((ext) => join(dir, moduleName + ext)).find((f) => existsSync(f));
    if (!file) throw new Error(`function ${logicalId}: no ${moduleName}.mjs in ${dir}; run \`npm run synth\` again (with bundling)`);
    return {
      role,
      logicalId,
      dir,
      assetPath,
      file,
      bytes: statSync(file).size,
      handler,
      environment: fn.Properties?.Environment?.Variables ?? {},
      memoryMb: fn.Properties?.MemorySize,
      timeoutSeconds: fn.Properties?.Timeout,
    };
  };

  const found: Partial<Record<BundleRole, SynthesizedBundle>> = {};
  for (const role of ['http', 'stream', 'rebuild'] as const) {
    const ids = candidates(role);
    const required = role !== 'rebuild';
    if (ids.length === 1) found[role] = bundleOf(role, ids[0]!);
    else if (ids.length > 1 || required) {
      const what = marked.size > 0 ? `with ${BUNDLE_METADATA_KEY} role ${role}` : role === 'http' ? 'behind an HTTP API integration' : 'behind a DynamoDB event source mapping';
      throw new Error(
        `${templatePath}: expected one function ${what}, found ${ids.join(', ') || 'none'} (functions: ${functions.map(([id]) => id).join(', ') || 'none'})`,
      );
    }
  }
  return found as SynthesizedBundles;
}
