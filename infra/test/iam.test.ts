import { describe, expect, it } from 'vitest';
import { resourcesOf, synthesized } from './support/synth.js';

const { templates } = synthesized();

/**
 * Actions whose resource AWS defines as `*` only (they name no resource, or the resource does not
 * exist yet): a statement of these alone may say `Resource: *`.
 */
const RESOURCE_STAR_ONLY = new Set([
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'cloudwatch:PutMetricData',
  'ec2:CreateNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DeleteNetworkInterface',
  'ec2:AssignPrivateIpAddresses',
  'ec2:UnassignPrivateIpAddresses',
  'logs:DescribeLogGroups',
  'dynamodb:ListStreams',
]);

interface Statement {
  Effect: string;
  Action?: string | string[];
  NotAction?: unknown;
  Resource?: unknown;
  NotResource?: unknown;
}

/** Every identity-policy statement of the template, with where it comes from. */
function identityStatements(template: ReturnType<typeof synthesized>['templates']['dev']): [string, Statement][] {
  const out: [string, Statement][] = [];
  for (const type of ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy']) {
    for (const [id, policy] of resourcesOf(template, type)) {
      for (const s of policy.Properties!.PolicyDocument.Statement as Statement[]) out.push([id, s]);
    }
  }
  for (const [id, role] of resourcesOf(template, 'AWS::IAM::Role')) {
    for (const policy of role.Properties!.Policies ?? []) {
      for (const s of policy.PolicyDocument.Statement as Statement[]) out.push([`${id}/${policy.PolicyName}`, s]);
    }
  }
  return out;
}

describe.each(['dev', 'prod'] as const)('IAM (%s)', (name) => {
  const statements = identityStatements(templates[name]);

  it('has identity policies to check', () => {
    expect(statements.length).toBeGreaterThan(0);
  });

  it('never allows every action of a service, nor NotAction / NotResource', () => {
    for (const [where, s] of statements) {
      expect(s.NotAction, where).toBeUndefined();
      expect(s.NotResource, where).toBeUndefined();
      for (const action of [s.Action].flat()) {
        expect(action, where).not.toBe('*');
        expect(action, where).not.toMatch(/:\*$/);
      }
    }
  });

  it('names its resources, except for the actions AWS defines on "*" only', () => {
    for (const [where, s] of statements) {
      const resources = [s.Resource].flat();
      if (!resources.includes('*')) continue;
      for (const action of [s.Action].flat()) expect(RESOURCE_STAR_ONLY.has(action as string), `${where}: ${action} on *`).toBe(true);
    }
  });

  it('grants no role admin or power-user managed policies', () => {
    for (const [id, role] of resourcesOf(templates[name], 'AWS::IAM::Role')) {
      const managed = JSON.stringify(role.Properties!.ManagedPolicyArns ?? []);
      expect(managed, id).not.toMatch(/AdministratorAccess|PowerUserAccess|FullAccess/);
    }
  });
});
