import { describe, expect, it } from 'vitest';
import { CONFIGS } from '../lib/config.js';
import { appEnvironment } from '../lib/contracts.js';
import { refId, resourcesOf } from './support/synth.js';
import { synthesized } from './support/synth.js';

const { app, templates } = synthesized();

describe('the CDK app', () => {
  it('synthesizes one stack per config without a lookup, so no credentials are needed', () => {
    const assembly = app.app.synth();
    expect(assembly.manifest.missing ?? []).toEqual([]);
    expect(assembly.stacks.map((s) => s.stackName).sort()).toEqual([CONFIGS.dev.stackName, CONFIGS.prod.stackName]);
    for (const stack of assembly.stacks) {
      expect(stack.environment.account).toBe('unknown-account');
      expect(stack.environment.region).toBe('unknown-region');
    }
  });

  it.each(['dev', 'prod'] as const)('names no region or account in the %s template', (name) => {
    const text = JSON.stringify(templates[name].toJSON());
    expect(text).not.toMatch(/\b(us|eu|ap|sa|ca|me|af|il|mx)-[a-z]+-\d\b/);
    expect(text).not.toMatch(/\b\d{12}\b/);
  });

  it('protects the prod stack from deletion and tags every stack with its environment', () => {
    expect(app.stacks.prod.terminationProtection).toBe(true);
    expect(app.stacks.dev.terminationProtection).toBe(false);
    for (const name of ['dev', 'prod'] as const) {
      expect(app.stacks[name].tags.tagValues()).toMatchObject({ project: 'bookstore', environment: name });
    }
  });
});

describe.each(['dev', 'prod'] as const)('the %s stack put together', (name) => {
  const template = templates[name];
  const stack = app.stacks[name];
  const appFunctions = () =>
    resourcesOf(template, 'AWS::Lambda::Function').filter(([, f]) => f.Properties!.Environment?.Variables?.BOOKSTORE_PROFILE === 'engines');

  it('runs the three app functions (HTTP, stream, rebuild) in the isolated subnets behind the functions security group', () => {
    const functionGroup = refId(stack.resolve(stack.network.functionSecurityGroup.securityGroupId));
    const subnets = stack.network.vpc.isolatedSubnets.map((s) => refId(stack.resolve(s.subnetId))).sort();
    expect(appFunctions()).toHaveLength(3);
    for (const [id, fn] of appFunctions()) {
      const vpc = fn.Properties!.VpcConfig;
      expect(vpc.SecurityGroupIds.map(refId), id).toEqual([functionGroup]);
      expect(vpc.SubnetIds.map(refId).sort(), id).toEqual(subnets);
    }
  });

  it('gives every app function every variable of the data contracts', () => {
    const expected = stack.resolve(appEnvironment(stack.data, stack.config)) as Record<string, unknown>;
    for (const [id, fn] of appFunctions()) expect(fn.Properties!.Environment.Variables, id).toMatchObject(expected);
  });
});
