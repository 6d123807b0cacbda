import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as opensearch from 'aws-cdk-lib/aws-opensearchservice';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { MonitoredCache } from '../lib/monitoring/monitored-resources.js';
import { Monitoring, type MonitoringProps } from '../lib/monitoring/monitoring.js';

export interface FixtureOptions {
  cache?: MonitoredCache;
  searchDataNodes?: number;
  alarmEmail?: string;
}

/**
 * A small stack of real CDK resources of each monitored kind (not the app's stacks: those are
 * asserted in their own tests), with the Monitoring construct over them.
 */
export function monitoredStack(options: FixtureOptions = {}) {
  const stack = new Stack(new App(), 'MonitoringTest');
  const fn = (id: string) =>
    new lambda.Function(stack, id, {
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromInline('export const handler = async () => ({});'),
    });
  const apiFunction = fn('ApiFunction');
  const streamFunction = fn('StreamFunction');
  const httpApi = new apigwv2.HttpApi(stack, 'HttpApi');
  const streamFailureQueue = new sqs.Queue(stack, 'StreamFailures', { enforceSSL: true });
  const table = new dynamodb.Table(stack, 'Table', {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
  });
  const credentialsTable = new dynamodb.Table(stack, 'CredentialsTable', {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
  });
  const domain = new opensearch.Domain(stack, 'Search', {
    domainName: 'bookstore-test',
    version: opensearch.EngineVersion.openSearch('2.19'),
    capacity: { dataNodes: options.searchDataNodes ?? 1, dataNodeInstanceType: 't3.small.search', multiAzWithStandbyEnabled: false },
  });
  const props: MonitoringProps = {
    resources: {
      httpApi,
      apiFunction,
      streamFunction,
      streamFailureQueue,
      tables: { main: table, credentials: credentialsTable },
      search: { domain, dataNodeCount: options.searchDataNodes ?? 1, volumeGiB: 10 },
      cache: options.cache ?? { kind: 'serverless', cacheName: 'bookstore-test', maxDataStorageGb: 1, maxEcpuPerSecond: 5000 },
      graphClusterId: 'bookstore-test-graph',
    },
    availabilityTarget: 0.999,
    iteratorAgeAlarmSeconds: 300,
    dashboardName: 'bookstore-test-operations',
    ...(options.alarmEmail !== undefined && { alarmEmail: options.alarmEmail }),
  };
  const monitoring = new Monitoring(stack, 'Monitoring', props);
  return { stack, monitoring, template: Template.fromStack(stack), apiFunction, streamFunction, httpApi, table, credentialsTable, domain, streamFailureQueue };
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * The dashboard body with every CloudFormation token (Ref, GetAtt) replaced by `{TOKEN}`: the body is
 * an Fn::Join of JSON text around tokens that sit inside JSON strings, so the result parses.
 */
export function dashboardBody(template: Template): { widgets: Array<{ type: string; properties: Record<string, Json> }> } {
  const dashboards = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
  if (dashboards.length !== 1) throw new Error(`expected one dashboard, found ${dashboards.length}`);
  const body = dashboards[0]!.Properties.DashboardBody as string | { 'Fn::Join': [string, Json[]] };
  const text = typeof body === 'string' ? body : body['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : '{TOKEN}')).join('');
  return JSON.parse(text);
}

/** Metric alarms by logical id, with their properties. */
export function metricAlarms(template: Template): Record<string, Record<string, any>> {
  return Object.fromEntries(
    Object.entries(template.findResources('AWS::CloudWatch::Alarm')).map(([id, resource]) => [id, resource.Properties]),
  );
}
