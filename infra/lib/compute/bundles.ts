import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUNDLE_METADATA_KEY, type BundleRole } from './app-function.js';

export interface SynthesizedBundle {
  role: BundleRole;
  /** The function's logical id in the template. */
  logicalId: string;
  /** The asset directory Lambda's code is zipped from: `<cdk.out>/asset.<hash>`. */
  dir: string;
  /** The bundled handler module: `<dir>/index.mjs`. */
  file: string;
  /** Lambda's handler setting: `index.handler` (file `index.mjs`, export `handler`). */
  handler: string;
  /** The function's environment in the template (values may be CloudFormation references). */
  environment: Record<string, unknown>;
}

/**
 * The exact bundles a synth wrote, found through the template: each app function carries
 * `Metadata["bookstore:bundle"] = { role, assetPath, handler }`. For harnesses that run them (the
 * Lambda Runtime Interface Emulator tests): `findBundles('cdk.out', 'Bookstore-dev').http.file`.
 */
/** The two bundles every stack has (the emulator runs them); others, such as `rebuild`, when the stack has them. */
export type SynthesizedBundles = Record<'http' | 'stream', SynthesizedBundle> & Partial<Record<BundleRole, SynthesizedBundle>>;

export function findBundles(cloudAssemblyDir: string, stackName: string): SynthesizedBundles {
  const templatePath = join(cloudAssemblyDir, `${stackName}.template.json`);
  if (!existsSync(templatePath)) throw new Error(`no template at ${templatePath}: run \`npm run synth\` first`);
  const template = JSON.parse(readFileSync(templatePath, 'utf8')) as { Resources: Record<string, any> };
  const found: Partial<Record<BundleRole, SynthesizedBundle>> = {};
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    const meta = resource.Metadata?.[BUNDLE_METADATA_KEY] as { role: BundleRole; assetPath: string; handler: string } | undefined;
    if (resource.Type !== 'AWS::Lambda::Function' || !meta) continue;
    const dir = join(cloudAssemblyDir, meta.assetPath);
    found[meta.role] = {
      role: meta.role,
      logicalId,
      dir,
      file: join(dir, 'index.mjs'),
      handler: meta.handler,
      environment: resource.Properties?.Environment?.Variables ?? {},
    };
  }
  if (!found.http || !found.stream) throw new Error(`${templatePath} names no ${!found.http ? 'http' : 'stream'} bundle`);
  for (const bundle of [found.http, found.stream]) {
    // A synth with bundling skipped (context aws:cdk:bundling-stacks=[]) points at the sources instead.
    if (!existsSync(bundle.file)) throw new Error(`no bundle at ${bundle.file}: run \`npm run synth\` (with bundling) first`);
  }
  return found as SynthesizedBundles;
}
