import type { PolicyValidationPluginReport } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { synthesized } from './support/synth.js';

const { app } = synthesized();

interface Finding {
  rule: string;
  path: string;
}

function findings(report: PolicyValidationPluginReport): Finding[] {
  return report.violations.flatMap((v) => v.violatingResources.map((r) => ({ rule: v.ruleName, path: r.constructPath ?? r.resourceLogicalId ?? '?' })));
}

/** The AwsSolutions pack over the whole app (both stacks, every construct in them). */
function check(options: { ignoreAcknowledgements: boolean }): Finding[] {
  const pack = new AwsSolutionsChecks();
  // Counting what the acknowledgements hide: the pack asks this method of every finding.
  if (options.ignoreAcknowledgements) (pack as unknown as { isAcknowledged: () => boolean }).isAcknowledged = () => false;
  return findings(pack.validateScope(app.app));
}

describe('cdk-nag AwsSolutions over the whole app', () => {
  it('leaves zero unacknowledged findings', () => {
    const left = check({ ignoreAcknowledgements: false });
    expect(left.map((f) => `${f.rule} at ${f.path}`)).toEqual([]);
  });

  it('acknowledges every finding it hides with a reason of one line', () => {
    const before = check({ ignoreAcknowledgements: true });
    // The number before acknowledgements, for the report (no assertion on it beyond "some").
    console.info(`cdk-nag AwsSolutions: ${before.length} findings before acknowledgements, 0 after`);
    expect(before.length).toBeGreaterThan(0);
    const reasons = app.app.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === 'aws:cdk:acknowledged-rules').map((m) => m.data as Record<string, unknown>))
      .flatMap((data) => Object.entries(data));
    expect(reasons.length).toBeGreaterThan(0);
    for (const [id, value] of reasons) {
      const reason = typeof value === 'string' ? value : (value as { reason?: string })?.reason;
      expect(reason, id).toMatch(/^\S.{10,}$/);
      expect(reason, id).not.toContain('\n');
    }
  });
});
