import { App, Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { PROJECTION_NAMES } from '../../src/projections/projection.js';
import { CONFIGS, type OffHoursConfig } from '../lib/config.js';
import { OffHours, OFF_HOURS_PARAMETER, runningHoursPerMonth } from '../lib/off-hours.js';
import { only, refId, resourcesOf, synthesized, type Resource } from './support/synth.js';

const { app, templates } = synthesized();
const dev = templates.dev;
const hours = CONFIGS.dev.neptune.offHours!;

const schedules = () => resourcesOf(dev, 'AWS::Scheduler::Schedule');
const scheduleWith = (suffix: string): Resource => {
  const found = schedules().filter(([, s]) => JSON.stringify(s.Properties!.Target.Arn).includes(suffix));
  expect(found, suffix).toHaveLength(1);
  return found[0]![1];
};
const clusterId = () => app.stacks.dev.getLogicalId(app.stacks.dev.graph.cluster);
const rebuildFunctionId = () => app.stacks.dev.getLogicalId(app.stacks.dev.compute.rebuildFunction.node.defaultChild as never);

describe('dev: the graph keeps office hours', () => {
  it('has a config with hours, and prod has none', () => {
    expect(hours).toBeDefined();
    expect(CONFIGS.prod.neptune.offHours).toBeUndefined();
  });

  it('stops the Neptune cluster every day through its own API (a universal target, no function)', () => {
    const stop = scheduleWith(':scheduler:::aws-sdk:neptune:stopDBCluster');
    expect(stop.Properties).toMatchObject({
      ScheduleExpression: `cron(0 ${hours.stopHour} ? * * *)`,
      ScheduleExpressionTimezone: hours.timeZone,
      FlexibleTimeWindow: { Mode: 'OFF' },
    });
    expect(JSON.stringify(stop.Properties!.Target.Input)).toContain(JSON.stringify({ Ref: clusterId() }));
    expect(JSON.stringify(stop.Properties!.Target.Input)).toContain('DbClusterIdentifier');
  });

  it('starts it on work days only', () => {
    const start = scheduleWith(':scheduler:::aws-sdk:neptune:startDBCluster');
    expect(start.Properties).toMatchObject({ ScheduleExpression: `cron(0 ${hours.startHour} ? * ${hours.workDays} *)`, ScheduleExpressionTimezone: hours.timeZone });
  });

  it('rebuilds every derived store from the table after the start, one after the other, before the stop', () => {
    const rebuilds = schedules().filter(([, s]) => refId(s.Properties!.Target.Arn) === rebuildFunctionId());
    expect(rebuilds.map(([, s]) => JSON.parse(s.Properties!.Target.Input).projection).sort()).toEqual([...PROJECTION_NAMES].sort());
    const minutes = rebuilds.map(([, s]) => {
      const [, minute, hour, , , days] = /^cron\((\d+) (\d+) (\S+) (\S+) (\S+) \*\)$/.exec(s.Properties!.ScheduleExpression)!;
      expect(days).toBe(hours.workDays);
      return Number(hour) * 60 + Number(minute);
    });
    expect(new Set(minutes).size).toBe(PROJECTION_NAMES.length);
    for (const m of minutes) {
      expect(m).toBeGreaterThanOrEqual(hours.startHour * 60 + hours.rebuildAfterMinutes);
      expect(m).toBeLessThan(hours.stopHour * 60);
    }
  });

  it('can be turned off at deploy time: every schedule follows the GraphOffHours parameter (default ENABLED)', () => {
    expect(dev.toJSON().Parameters[OFF_HOURS_PARAMETER]).toMatchObject({ Type: 'String', Default: 'ENABLED', AllowedValues: ['ENABLED', 'DISABLED'] });
    expect(schedules()).toHaveLength(2 + PROJECTION_NAMES.length);
    const [groupId, group] = only(dev, 'AWS::Scheduler::ScheduleGroup');
    for (const [id, s] of schedules()) {
      expect(s.Properties!.State, id).toEqual({ Ref: OFF_HOURS_PARAMETER });
      expect(s.Properties!.GroupName, id).toBe(group.Properties!.Name);
      expect((s as Resource & { DependsOn?: string[] }).DependsOn, id).toContain(groupId);
      expect(s.Properties!.Target.RetryPolicy.MaximumRetryAttempts, id).toBeLessThanOrEqual(3);
    }
  });

  it('runs them all under one role that Scheduler may assume for this account and group only', () => {
    const roleIds = new Set(schedules().map(([, s]) => refId(s.Properties!.Target.RoleArn)));
    expect(roleIds.size).toBe(1);
    const [roleId] = [...roleIds] as [string];
    const role = dev.toJSON().Resources[roleId] as Resource;
    const [trust] = role.Properties!.AssumeRolePolicyDocument.Statement;
    expect(trust.Principal).toEqual({ Service: 'scheduler.amazonaws.com' });
    expect(trust.Condition.StringEquals).toEqual({ 'aws:SourceAccount': { Ref: 'AWS::AccountId' } });
    expect(JSON.stringify(trust.Condition.ArnLike['aws:SourceArn'])).toContain(':schedule/bookstore-dev-off-hours/*');
  });

  it('lets that role stop and start this cluster and invoke the rebuild function, nothing else', () => {
    const roleId = refId(schedules()[0]![1].Properties!.Target.RoleArn)!;
    const role = dev.toJSON().Resources[roleId] as Resource;
    expect(role.Properties!.ManagedPolicyArns).toBeUndefined();
    // No policy resource adds to it (the targets' own grants are kept off it).
    const attached = resourcesOf(dev, 'AWS::IAM::Policy').filter(([, p]) => (p.Properties!.Roles ?? []).some((r: unknown) => refId(r) === roleId));
    expect(attached).toEqual([]);
    const statements = role.Properties!.Policies.flatMap((p: { PolicyDocument: { Statement: unknown[] } }) => p.PolicyDocument.Statement);
    expect(statements).toHaveLength(2);
    const [graph, rebuild] = statements as Array<{ Action: string[] | string; Resource: unknown }>;
    expect(graph!.Action).toEqual(['rds:StopDBCluster', 'rds:StartDBCluster']);
    const clusterArn = JSON.stringify(graph!.Resource);
    expect(clusterArn).toContain(':cluster:');
    expect(clusterArn).toContain(JSON.stringify({ Ref: clusterId() }));
    expect(clusterArn).not.toContain('*');
    expect(rebuild!.Action).toBe('lambda:InvokeFunction');
    expect(rebuild!.Resource).toEqual({ 'Fn::GetAtt': [rebuildFunctionId(), 'Arn'] });
  });

  it("sends a rebuild invocation that failed for good to the rebuild function's on-failure queue (it has an alarm)", () => {
    const [, config] = only(dev, 'AWS::Lambda::EventInvokeConfig');
    expect(refId(config.Properties!.FunctionName)).toBe(rebuildFunctionId());
    const queueId = app.stacks.dev.getLogicalId(app.stacks.dev.compute.rebuildFailureQueue.node.defaultChild as never);
    expect(config.Properties!.DestinationConfig.OnFailure.Destination).toEqual({ 'Fn::GetAtt': [queueId, 'Arn'] });
    expect(config.Properties!.MaximumRetryAttempts).toBe(2);
  });
});

describe('prod: always on', () => {
  it('has no schedules, no schedule role and no GraphOffHours parameter', () => {
    expect(resourcesOf(templates.prod, 'AWS::Scheduler::Schedule')).toEqual([]);
    expect(resourcesOf(templates.prod, 'AWS::Scheduler::ScheduleGroup')).toEqual([]);
    expect(Object.keys(templates.prod.toJSON().Parameters ?? {})).not.toContain(OFF_HOURS_PARAMETER);
    const trusts = resourcesOf(templates.prod, 'AWS::IAM::Role').map(([, r]) => JSON.stringify(r.Properties!.AssumeRolePolicyDocument));
    expect(trusts.some((t) => t.includes('scheduler.amazonaws.com'))).toBe(false);
  });
});

describe('the hours', () => {
  it('run the dev cluster 60 hours a week, about 261 hours of a 730-hour month', () => {
    expect(runningHoursPerMonth(hours)).toBeCloseTo((60 * 365) / 12 / 7, 5);
    expect(runningHoursPerMonth({ ...hours, workDays: 'MON,WED' })).toBeCloseTo((24 * 365) / 12 / 7, 5);
  });

  it('refuse hours that do not make a day, or rebuilds that would run after the stop', () => {
    const build = (h: OffHoursConfig) => {
      const stack = new Stack(new App(), 'S');
      const fn = app.stacks.dev.compute.rebuildFunction;
      return () => new OffHours(stack, 'O', { hours: h, clusterIdentifier: 'c', rebuildFunction: fn, rebuildFailureQueue: app.stacks.dev.compute.rebuildFailureQueue, resourcePrefix: 'p' });
    };
    expect(build({ ...hours, startHour: 19, stopHour: 7 })).toThrow(/start first/);
    expect(build({ ...hours, stopHour: 24 })).toThrow(/hours 0-23/);
    expect(build({ ...hours, startHour: 18, stopHour: 19, rebuildAfterMinutes: 50 })).toThrow(/before the stop/);
    expect(build({ ...hours, rebuildAfterMinutes: 2 })).toThrow(/10 or more/);
  });
});
