import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { createApp } from '../lib/app.js';
import type { BookstoreStack } from '../lib/bookstore-stack.js';
import { BUNDLE_METADATA_KEY, type BundleRole } from '../lib/compute/app-function.js';
import { Compute } from '../lib/compute/compute.js';
import type { ConfigName } from '../lib/config.js';

export interface ComputeUnderTest {
  stack: BookstoreStack;
  compute: Compute;
  template: Template;
  /** The bundled handler that synth wrote for a function (cdk.out/asset.<hash>/index.mjs). */
  bundle(role: BundleRole): { dir: string; code: string };
}

let built: Record<ConfigName, ComputeUnderTest> | undefined;

/**
 * Both stacks of the app with the compute constructs, synthesized once per test file with real
 * bundling (the local esbuild). Uses the stack's own Compute when the stack wires it, else adds one
 * the way the stack does: the data contracts and the config, nothing else.
 */
export function computeUnderTest(): Record<ConfigName, ComputeUnderTest> {
  if (built) return built;
  const { app, stacks } = createApp();
  const of = (stack: BookstoreStack): ComputeUnderTest => {
    const compute =
      (stack.node.tryFindChild('Compute') as Compute | undefined) ?? new Compute(stack, 'Compute', { config: stack.config, data: stack.data });
    const under: ComputeUnderTest = {
      stack,
      compute,
      template: undefined as unknown as Template,
      bundle(role) {
        const found = Object.values(under.template.findResources('AWS::Lambda::Function'))
          .map((r) => r.Metadata?.[BUNDLE_METADATA_KEY] as { role: string; assetPath: string } | undefined)
          .filter((m) => m?.role === role);
        if (found.length !== 1) throw new Error(`expected one function with ${BUNDLE_METADATA_KEY} role ${role}, found ${found.length}`);
        const dir = join(app.outdir, found[0]!.assetPath);
        return { dir, code: readFileSync(join(dir, 'index.mjs'), 'utf8') };
      },
    };
    return under;
  };
  const dev = of(stacks.dev);
  const prod = of(stacks.prod);
  dev.template = Template.fromStack(stacks.dev);
  prod.template = Template.fromStack(stacks.prod);
  built = { dev, prod };
  return built;
}
