import { describe, expect, it } from 'vitest';
import { CONFIGS } from '../lib/config.js';
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
