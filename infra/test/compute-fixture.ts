import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { createApp } from '../lib/app.js';
import type { BookstoreStack } from '../lib/bookstore-stack.js';
import { BUNDLE_METADATA_KEY, type BundleRole } from '../lib/compute/app-function.js';
import { PROJECT_ROOT } from '../lib/compute/bundling.js';
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
let removeOutdir = () => {};

/** Deletes the cloud assembly the fixture wrote (call it in afterAll). */
export function removeComputeUnderTest(): void {
  removeOutdir();
}

/**
 * Both stacks of the app with the compute constructs, synthesized once per test file with real
 * bundling (the local esbuild). Uses the stack's own Compute when the stack wires it, else adds one
 * the way the stack does: the data contracts and the config, nothing else.
 */
export function computeUnderTest(): Record<ConfigName, ComputeUnderTest> {
  if (built) return built;
  // Inside the repository, so a bundle run by a test finds the AWS SDK in node_modules as it finds
  // the runtime's on Lambda.
  const outdir = join(PROJECT_ROOT, 'node_modules', '.cache', 'bookstore-infra-tests', `cdk.out-${process.pid}`);
  rmSync(outdir, { recursive: true, force: true });
  removeOutdir = () => rmSync(outdir, { recursive: true, force: true });
  const { app, stacks } = createApp({ props: { outdir } });
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
