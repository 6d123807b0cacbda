import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { CfnAlarm, CfnCompositeAlarm } from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../lib/app.js';
import type { BookstoreStack } from '../lib/bookstore-stack.js';
import type { ConfigName } from '../lib/config.js';
import { Monitoring } from '../lib/monitoring/monitoring.js';
import { monitoringProps, type MonitoredCompute } from '../lib/monitoring/wiring.js';
import { metricAlarms } from './monitoring-fixture.js';

/**
 * Stand-ins for what the compute constructs hand over (real CDK resources, not the app's bundles):
 * the monitoring reads only their names and ids.
 */
function standInCompute(stack: Stack): MonitoredCompute {
  const fn = (id: string) =>
    new lambda.Function(stack, id, {
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromInline('export const handler = async () => ({});'),
    });
  return {
    httpApi: new apigwv2.HttpApi(stack, 'StandInHttpApi'),
    apiFunction: fn('StandInApiFunction'),
    streamFunction: fn('StandInStreamFunction'),
    streamFailureQueue: new sqs.Queue(stack, 'StandInFailures', { enforceSSL: true }),
  };
}

/** A metric alarm's dimensions by name, whether rendered flat or as a one-entry Metrics array. */
function dimensionsOf(props: Record<string, any>): Record<string, unknown> {
  const dims = (props.Metrics?.length === 1 ? props.Metrics[0].MetricStat.Metric.Dimensions : props.Dimensions) ?? [];
  return Object.fromEntries(dims.map((d: { Name: string; Value: unknown }) => [d.Name, d.Value]));
}

function metricNameOf(props: Record<string, any>): string | undefined {
  return props.Metrics?.length === 1 ? props.Metrics[0].MetricStat.Metric.MetricName : props.MetricName;
}

function alarmsOn(template: Template, metricName: string) {
  return Object.values(metricAlarms(template)).filter((p) => metricNameOf(p) === metricName);
}

function logicalIdOfType(template: Template, type: string): string {
  const ids = Object.keys(template.findResources(type));
  expect(ids, type).toHaveLength(1);
  return ids[0]!;
}

describe.each<ConfigName>(['dev', 'prod'])('Monitoring wired into the %s stack over the data contracts', (name) => {
  let stack: BookstoreStack;
  let monitoring: Monitoring;
  let template: Template;
  beforeAll(() => {
    const { stacks } = createApp({ props: { context: { 'aws:cdk:bundling-stacks': [] } } });
    stack = stacks[name];
    // The app stack composes the monitoring over the real compute once both exist; until then this
    // test wires it over stand-ins itself (the assertions are the same either way).
    monitoring =
      stack.node.findAll().find((c): c is Monitoring => c instanceof Monitoring) ??
      new Monitoring(stack, 'Monitoring', monitoringProps(stack.config, stack.data, standInCompute(stack)));
    template = Template.fromStack(stack);
  });

  it('watches the serverless cache the stack creates, by its name in the clusterId dimension', () => {
    const cacheName = Object.values(template.findResources('AWS::ElastiCache::ServerlessCache'))[0]!.Properties.ServerlessCacheName;
    for (const metric of ['BytesUsedForCache', 'ThrottledCmds', 'Evictions']) {
      const [alarm] = alarmsOn(template, metric);
      expect(dimensionsOf(alarm!), metric).toEqual({ clusterId: cacheName });
    }
    // 80% of the config's storage cap, in bytes.
    expect(alarmsOn(template, 'BytesUsedForCache')[0]!.Threshold).toBe(stack.config.redis.kind === 'serverless' ? stack.config.redis.maxDataStorageGb * 0.8e9 : NaN);
  });

  it('watches the Neptune cluster and the OpenSearch domain the stack creates', () => {
    const clusterId = logicalIdOfType(template, 'AWS::Neptune::DBCluster');
    expect(dimensionsOf(alarmsOn(template, 'CPUUtilization').find((p) => p.Namespace === 'AWS/Neptune' || p.Metrics)!)).toEqual({
      DBClusterIdentifier: { Ref: clusterId },
    });
    const domainId = logicalIdOfType(template, 'AWS::OpenSearchService::Domain');
    expect(dimensionsOf(alarmsOn(template, 'ClusterStatus.red')[0]!)).toEqual({ DomainName: { Ref: domainId }, ClientId: { Ref: 'AWS::AccountId' } });
    // 20% of each node's volume, in MB.
    expect(alarmsOn(template, 'FreeStorageSpace')[0]!.Threshold).toBe(stack.config.opensearch.volumeGiB * 1024 * 0.2);
    // Yellow is alarmed only where a replica can be placed.
    expect(alarmsOn(template, 'ClusterStatus.yellow')).toHaveLength(stack.config.opensearch.dataNodeCount > 1 ? 1 : 0);
  });

  it('watches both tables', () => {
    const tables = Object.keys(template.findResources('AWS::DynamoDB::Table'));
    const watched = Object.values(metricAlarms(template))
      .filter((p) => p.Metrics?.some((q: any) => q.Expression === 'FILL(reads, 0) + FILL(writes, 0)'))
      .map((p) => p.Metrics.find((q: any) => q.MetricStat).MetricStat.Metric.Dimensions[0].Value.Ref);
    expect(watched.sort()).toEqual(tables.sort());
  });

  it("encrypts the alarm topic with the stack's one KMS key, the logs key, which CloudWatch alarms may use", () => {
    const keys = Object.keys(template.findResources('AWS::KMS::Key'));
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/^NetworkLogsKey/);
    const topic = Object.values(template.findResources('AWS::SNS::Topic'))[0]!;
    expect(topic.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [keys[0], 'Arn'] });
    const statements = template.findResources('AWS::KMS::Key')[keys[0]!]!.Properties.KeyPolicy.Statement as Array<{ Sid?: string; Action: string[] }>;
    expect(statements.find((st) => st.Sid === 'AllowCloudWatchAlarmsToUseTheKey')?.Action).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
  });

  it('uses the config: the 99.9% target and the iterator-age limit', () => {
    expect(monitoring.availability.errorBudget).toBeCloseTo(1 - stack.config.monitoring.availabilityTarget, 12);
    expect(alarmsOn(template, 'IteratorAge')[0]!.Threshold).toBe(stack.config.monitoring.iteratorAgeAlarmSeconds * 1000);
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: `${stack.config.stackName}-operations` });
    // The stack tags everything; the dashboard's tags are dropped for cfn-lint before 1.58 (E3002).
    expect(Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0]!.Properties.Tags).toBeUndefined();
  });

  it(`has ${name === 'dev' ? 24 : 25} metric alarms and 2 composite alarms of its own`, () => {
    const own = monitoring.node.findAll();
    expect(own.filter((c) => c instanceof CfnAlarm)).toHaveLength(name === 'dev' ? 24 : 25);
    expect(own.filter((c) => c instanceof CfnCompositeAlarm)).toHaveLength(2);
    expect(monitoring.dashboard.widgetCount).toBe(26);
  });

  it('watches the rebuild function: its errors, its throttles and the queue its failed invocations land in', () => {
    const rebuildFunction = Object.entries(template.findResources('AWS::Lambda::Function')).find(
      ([, r]) => r.Metadata?.['bookstore:bundle']?.role === 'rebuild',
    )![0];
    for (const metric of ['Errors', 'Throttles']) {
      const onRebuild = alarmsOn(template, metric).filter(
        (p) => (dimensionsOf(p).FunctionName as { Ref?: string } | undefined)?.Ref === rebuildFunction,
      );
      expect(onRebuild, metric).toHaveLength(1);
    }
    const queueAlarms = alarmsOn(template, 'ApproximateNumberOfMessagesVisible');
    const queues = queueAlarms.map((p) => (dimensionsOf(p).QueueName as { 'Fn::GetAtt'?: string[] } | undefined)?.['Fn::GetAtt']?.[0]);
    expect(queues).toHaveLength(2);
    expect(queues.some((id) => id?.includes('RebuildInvocation'))).toBe(true);
  });

  it('leaves no cdk-nag AwsSolutions finding on its own resources', () => {
    const report = new AwsSolutionsChecks().validateScope(monitoring);
    const own = report.violations.flatMap((v) =>
      v.violatingResources.filter((r) => (r.constructPath ?? '').includes('/Monitoring/')).map((r) => `${v.ruleName} at ${r.constructPath}`),
    );
    expect(own).toEqual([]);
  });
});
