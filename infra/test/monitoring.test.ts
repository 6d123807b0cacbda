import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { dashboardBody, metricAlarms, monitoredStack } from './monitoring-fixture.js';

type Fixture = ReturnType<typeof monitoredStack>;

/**
 * A metric alarm's single metric, whether CDK rendered it flat (MetricName, Dimensions …) or, because
 * the metric has a label, as a one-entry Metrics array.
 */
function plainMetric(props: Record<string, any>) {
  const stat = props.Metrics?.length === 1 ? props.Metrics[0].MetricStat : undefined;
  if (stat) {
    return { Namespace: stat.Metric.Namespace, MetricName: stat.Metric.MetricName, Dimensions: stat.Metric.Dimensions ?? [], Statistic: stat.Stat, Period: stat.Period };
  }
  return { Namespace: props.Namespace, MetricName: props.MetricName, Dimensions: props.Dimensions ?? [], Statistic: props.Statistic ?? props.ExtendedStatistic, Period: props.Period };
}

/** The one metric alarm on `metricName` (plain metric, not math), with its dimensions by name. */
function alarmOn(fixture: Fixture, metricName: string, match: (metric: ReturnType<typeof plainMetric>) => boolean = () => true) {
  const found = Object.entries(metricAlarms(fixture.template))
    .map(([id, props]) => [id, { ...props, ...plainMetric(props) }] as const)
    .filter(([, p]) => p.MetricName === metricName && match(p));
  expect(found.map(([id]) => id), `alarms on ${metricName}`).toHaveLength(1);
  const [id, props] = found[0]!;
  const dims = Object.fromEntries((props.Dimensions as Array<{ Name: string; Value: unknown }>).map((d) => [d.Name, d.Value]));
  return { id, props, dims };
}

function ref(fixture: Fixture, construct: { node: { defaultChild?: unknown } }) {
  return { Ref: fixture.stack.getLogicalId(construct.node.defaultChild as never) };
}

describe('Monitoring over a serverless cache and one search node (the dev shape)', () => {
  let f: Fixture;
  beforeAll(() => {
    f = monitoredStack();
  });

  it('encrypts the alarm topic with a rotated customer-managed key CloudWatch may use, and accepts TLS only', () => {
    f.template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('AlarmTopicKey'), 'Arn'] } });
    f.template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
    f.template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
          }),
        ]),
      },
    });
    f.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          }),
        ]),
      },
    });
  });

  it('outputs the dashboard URL and the topic ARN', () => {
    const outputs = Object.values(f.template.toJSON().Outputs as Record<string, { Value: unknown }>).map((o) => JSON.stringify(o.Value));
    expect(outputs).toContain(JSON.stringify(ref(f, f.monitoring.topic.topic)));
    expect(outputs.some((o) => o.includes('#dashboards:name=') && o.includes(JSON.stringify(ref(f, f.monitoring.dashboard.dashboard))))).toBe(true);
  });

  it('subscribes the AlarmEmail parameter only when it is not empty', () => {
    f.template.hasParameter('AlarmEmail', { Type: 'String', Default: '' });
    const conditions = f.template.toJSON().Conditions as Record<string, unknown>;
    const [conditionId, expression] = Object.entries(conditions).find(([id]) => id.includes('HasEmail'))!;
    expect(expression).toEqual({ 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'AlarmEmail' }, ''] }] });
    const subscriptions = f.template.findResources('AWS::SNS::Subscription');
    expect(Object.values(subscriptions)).toEqual([
      expect.objectContaining({ Condition: conditionId, Properties: expect.objectContaining({ Protocol: 'email', Endpoint: { Ref: 'AlarmEmail' } }) }),
    ]);
  });

  it('notifies the topic from every alarm but the burn-rate window alarms, on ALARM and on OK', () => {
    const topicRef = ref(f, f.monitoring.topic.topic);
    const windowAlarms = new Set(
      f.monitoring.availability.alarms.flatMap((a) => [a.longWindowAlarm, a.shortWindowAlarm]).map((a) => f.stack.getLogicalId(a.node.defaultChild as never)),
    );
    const all = metricAlarms(f.template);
    expect(Object.keys(all)).toHaveLength(21);
    for (const [id, props] of Object.entries(all)) {
      if (windowAlarms.has(id)) {
        expect(props.AlarmActions, id).toBeUndefined();
      } else {
        expect(props.AlarmActions, id).toEqual([topicRef]);
        expect(props.OKActions, id).toEqual([topicRef]);
        expect(props.AlarmDescription, id).toMatch(/\w/);
      }
    }
    f.template.resourceCountIs('AWS::CloudWatch::CompositeAlarm', 2);
    expect(f.monitoring.alarms).toHaveLength(19);
  });

  it('computes the SLO from the HTTP API stage: 5xx over Count on ApiId and $default', () => {
    const slo = Object.values(metricAlarms(f.template)).filter((p) => p.Metrics?.some((q: any) => q.Expression === 'IF(valid >= 10, FILL(bad, 0) / valid, 0)'));
    expect(slo).toHaveLength(4);
    for (const props of slo) {
      const stat = (id: string) => props.Metrics.find((q: any) => q.Id === id).MetricStat;
      const apiDims = [
        { Name: 'ApiId', Value: ref(f, f.httpApi) },
        { Name: 'Stage', Value: '$default' },
      ];
      expect(stat('bad')).toMatchObject({ Metric: { Namespace: 'AWS/ApiGateway', MetricName: '5xx', Dimensions: apiDims }, Stat: 'Sum' });
      expect(stat('valid')).toMatchObject({ Metric: { Namespace: 'AWS/ApiGateway', MetricName: 'Count', Dimensions: apiDims }, Stat: 'Sum' });
    }
    expect(slo.map((p) => p.Threshold).sort()).toEqual([0.006, 0.006, 0.0144, 0.0144]);
  });

  it('alarms on the stream: iterator age of the stream function and failed batches in its queue', () => {
    const age = alarmOn(f, 'IteratorAge');
    expect(age.dims).toEqual({ FunctionName: ref(f, f.streamFunction) });
    expect(age.props).toMatchObject({
      Namespace: 'AWS/Lambda',
      Statistic: 'Maximum',
      Period: 300,
      EvaluationPeriods: 1,
      Threshold: 300_000,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
    const dlq = alarmOn(f, 'ApproximateNumberOfMessagesVisible');
    expect(dlq.dims).toEqual({ QueueName: { 'Fn::GetAtt': [f.stack.getLogicalId(f.streamFailureQueue.node.defaultChild as never), 'QueueName'] } });
    expect(dlq.props).toMatchObject({ Namespace: 'AWS/SQS', Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', Statistic: 'Maximum' });
  });

  it('alarms on projection errors of all four projections, summed', () => {
    const [errors, ...more] = Object.values(metricAlarms(f.template)).filter((p) =>
      p.Metrics?.some((q: any) => typeof q.Expression === 'string' && q.Expression.startsWith('FILL(p0, 0)')),
    );
    expect(more).toHaveLength(0);
    expect(errors!.Metrics.find((q: any) => q.Expression).Expression).toBe('FILL(p0, 0) + FILL(p1, 0) + FILL(p2, 0) + FILL(p3, 0)');
    const projections = errors!.Metrics.filter((q: any) => q.MetricStat).map((q: any) => q.MetricStat.Metric);
    expect(projections.map((m: any) => m.Dimensions.find((d: any) => d.Name === 'projection').Value).sort()).toEqual(['bestsellers', 'book-cache', 'graph', 'search']);
    for (const metric of projections) expect(metric).toMatchObject({ Namespace: 'Bookstore', MetricName: 'ProjectionErrors' });
    expect(errors).toMatchObject({ Threshold: 1, EvaluationPeriods: 3, TreatMissingData: 'notBreaching' });
  });

  it('alarms on throttles and repeated errors of both functions', () => {
    for (const fn of [f.apiFunction, f.streamFunction]) {
      const byFunction = (p: { Dimensions: unknown }) => JSON.stringify(p.Dimensions) === JSON.stringify([{ Name: 'FunctionName', Value: ref(f, fn) }]);
      expect(alarmOn(f, 'Throttles', byFunction).props).toMatchObject({ Threshold: 1, Statistic: 'Sum', TreatMissingData: 'notBreaching' });
      expect(alarmOn(f, 'Errors', byFunction).props).toMatchObject({ Threshold: 1, EvaluationPeriods: 3, Statistic: 'Sum' });
    }
  });

  it('alarms on read and write throttles of both tables', () => {
    const tableAlarms = Object.values(metricAlarms(f.template)).filter((p) => p.Metrics?.some((q: any) => q.Expression === 'FILL(reads, 0) + FILL(writes, 0)'));
    expect(tableAlarms).toHaveLength(2);
    const tables = tableAlarms.map((p) => {
      const names = p.Metrics.filter((q: any) => q.MetricStat).map((q: any) => q.MetricStat.Metric.MetricName);
      expect(names.sort()).toEqual(['ReadThrottleEvents', 'WriteThrottleEvents']);
      expect(p.Threshold).toBe(1);
      return p.Metrics.find((q: any) => q.MetricStat).MetricStat.Metric.Dimensions[0].Value;
    });
    expect(tables).toEqual(expect.arrayContaining([ref(f, f.table), ref(f, f.credentialsTable)]));
  });

  it('alarms on OpenSearch red, storage, heap and blocked writes, by DomainName and ClientId, and not on yellow with one node', () => {
    const domainDims = { DomainName: ref(f, f.domain), ClientId: { Ref: 'AWS::AccountId' } };
    const red = alarmOn(f, 'ClusterStatus.red');
    expect(red.dims).toEqual(domainDims);
    expect(red.props).toMatchObject({ Namespace: 'AWS/ES', Statistic: 'Maximum', Threshold: 1, Period: 60, TreatMissingData: 'missing' });
    expect(Object.values(metricAlarms(f.template)).some((p) => plainMetric(p).MetricName === 'ClusterStatus.yellow')).toBe(false);
    // 20% of a 10 GiB volume, in the metric's megabytes.
    expect(alarmOn(f, 'FreeStorageSpace').props).toMatchObject({ Threshold: 2048, ComparisonOperator: 'LessThanOrEqualToThreshold', Statistic: 'Minimum' });
    expect(alarmOn(f, 'JVMMemoryPressure').props).toMatchObject({ Threshold: 95, EvaluationPeriods: 3 });
    expect(alarmOn(f, 'ClusterIndexWritesBlocked').dims).toEqual(domainDims);
  });

  it('alarms on the serverless cache by its clusterId dimension: memory near the cap, throttled commands, evictions', () => {
    const memory = alarmOn(f, 'BytesUsedForCache');
    expect(memory.dims).toEqual({ clusterId: 'bookstore-test' });
    expect(memory.props).toMatchObject({ Namespace: 'AWS/ElastiCache', Threshold: 800_000_000 });
    expect(alarmOn(f, 'ThrottledCmds').dims).toEqual({ clusterId: 'bookstore-test' });
    expect(alarmOn(f, 'Evictions').props).toMatchObject({ Threshold: 1000, TreatMissingData: 'notBreaching' });
  });

  it('alarms on Neptune CPU by DBClusterIdentifier', () => {
    const cpu = alarmOn(f, 'CPUUtilization', (p) => p.Namespace === 'AWS/Neptune');
    expect(cpu.dims).toEqual({ DBClusterIdentifier: 'bookstore-test-graph' });
    expect(cpu.props).toMatchObject({ Threshold: 80, EvaluationPeriods: 3, TreatMissingData: 'missing' });
  });

  describe('the dashboard', () => {
    let widgets: ReturnType<typeof dashboardBody>['widgets'];
    let metricsOf: (title: string) => unknown[][];
    beforeAll(() => {
      widgets = dashboardBody(f.template).widgets;
      metricsOf = (title) => {
        const widget = widgets.find((w) => w.properties.title === title);
        expect(widget, title).toBeDefined();
        return widget!.properties.metrics as unknown[][];
      };
    });

    it('has a widget for every area the issue names', () => {
      const titles = widgets.map((w) => w.properties.title).filter(Boolean);
      expect(titles).toEqual(
        expect.arrayContaining([
          'Alarms',
          'API requests',
          'API latency p50 / p99 (ms)',
          'API 5xx rate (%)',
          'Lambda errors',
          'Lambda throttles',
          'Lambda duration p50 / p99 (ms)',
          'Lambda concurrent executions',
          'Stream iterator age (ms)',
          'Stream DLQ depth (failed batches)',
          'DynamoDB throttle events',
          'DynamoDB consumed capacity units',
          'OpenSearch cluster status',
          'OpenSearch JVM memory pressure (%)',
          'OpenSearch search latency (ms)',
          'ElastiCache ECPUs (CPU)',
          'ElastiCache bytes used (memory)',
          'ElastiCache evictions',
          'Neptune CPU (%)',
          'Orders and checkout conflicts',
          'Sign-in failures and rate limits',
          'Search latency in the app (ms)',
          'Projection delivery delay (ms, max)',
          'Projection errors',
        ]),
      );
      expect(f.monitoring.dashboard.widgetCount).toBe(widgets.filter((w) => w.type !== 'text').length);
    });

    it('reads the AWS metrics by their documented names and dimensions', () => {
      const flat = (title: string) => JSON.stringify(metricsOf(title));
      expect(flat('API requests')).toContain('"AWS/ApiGateway","Count","ApiId","{TOKEN}","Stage","$default"');
      expect(flat('API latency p50 / p99 (ms)')).toMatch(/"Latency".*"stat":"p50".*"Latency".*"stat":"p99".*"IntegrationLatency"/);
      expect(flat('API 5xx rate (%)')).toContain('100 * FILL(errors, 0) / requests');
      expect(flat('Lambda concurrent executions')).toContain('"AWS/Lambda","ConcurrentExecutions"');
      expect(flat('Stream iterator age (ms)')).toContain('"AWS/Lambda","IteratorAge"');
      expect(flat('Stream DLQ depth (failed batches)')).toContain('"AWS/SQS","ApproximateNumberOfMessagesVisible"');
      expect(flat('DynamoDB consumed capacity units')).toMatch(/ConsumedReadCapacityUnits.*ConsumedWriteCapacityUnits/);
      expect(flat('OpenSearch cluster status')).toMatch(/"AWS\/ES","ClusterStatus.red","ClientId","\{TOKEN\}","DomainName","\{TOKEN\}".*ClusterStatus.yellow/);
      expect(flat('ElastiCache ECPUs (CPU)')).toContain('"AWS/ElastiCache","ElastiCacheProcessingUnits","clusterId","bookstore-test"');
      expect(flat('ElastiCache evictions')).toContain('"AWS/ElastiCache","Evictions","clusterId","bookstore-test"');
      expect(flat('Neptune CPU (%)')).toContain('"AWS/Neptune","CPUUtilization","DBClusterIdentifier","bookstore-test-graph"');
    });

    it("reads the application's EMF metrics: namespace Bookstore, service=bookstore, and projection for the projections", () => {
      const flat = (title: string) => JSON.stringify(metricsOf(title));
      for (const name of ['OrdersPlaced', 'CheckoutConflicts']) expect(flat('Orders and checkout conflicts')).toContain(`"Bookstore","${name}","service","bookstore"`);
      for (const name of ['SignInFailures', 'SignInRateLimited']) expect(flat('Sign-in failures and rate limits')).toContain(`"Bookstore","${name}","service","bookstore"`);
      expect(flat('Search latency in the app (ms)')).toContain('"Bookstore","SearchLatency","service","bookstore"');
      for (const projection of ['search', 'bestsellers', 'graph', 'book-cache']) {
        expect(flat('Projection delivery delay (ms, max)')).toContain(`"Bookstore","ProjectionDeliveryDelay","projection","${projection}","service","bookstore"`);
        expect(flat('Projection errors')).toContain(`"Bookstore","ProjectionErrors","projection","${projection}","service","bookstore"`);
      }
    });

    it('shows every notifying alarm in the status widget', () => {
      const status = widgets.find((w) => w.type === 'alarm')!;
      expect((status.properties.alarms as unknown[]).length).toBe(f.monitoring.alarms.length);
    });
  });
});

describe('Monitoring over a node-based cache and three search nodes (a prod shape)', () => {
  let f: Fixture;
  beforeAll(() => {
    f = monitoredStack({ cache: { kind: 'replication-group', replicationGroupId: 'bookstore-prod', nodeCount: 2 }, searchDataNodes: 3, alarmEmail: 'ops@example.com' });
  });

  it('alarms on yellow after five minutes when replicas can be placed', () => {
    expect(alarmOn(f, 'ClusterStatus.yellow').props).toMatchObject({ Threshold: 1, Period: 60, EvaluationPeriods: 5 });
  });

  it('watches each cache node by CacheClusterId: engine CPU, memory and evictions', () => {
    for (const node of ['bookstore-prod-001', 'bookstore-prod-002']) {
      const onNode = (p: { Dimensions: Array<{ Value: unknown }> }) => p.Dimensions[0]!.Value === node;
      expect(alarmOn(f, 'EngineCPUUtilization', onNode).dims).toEqual({ CacheClusterId: node });
      expect(alarmOn(f, 'DatabaseMemoryUsagePercentage', onNode).props).toMatchObject({ Threshold: 90 });
      expect(alarmOn(f, 'Evictions', onNode).props).toMatchObject({ Threshold: 1000 });
    }
    expect(Object.values(metricAlarms(f.template)).some((p) => plainMetric(p).Dimensions.some((d: any) => d.Name === 'clusterId'))).toBe(false);
  });

  it('subscribes a configured address without a parameter', () => {
    expect(Object.keys(f.template.toJSON().Parameters ?? {})).not.toContain('AlarmEmail');
    f.template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });
});

describe('Monitoring with alarmEmail set to the empty string', () => {
  it('creates no subscription and no parameter', () => {
    const f = monitoredStack({ alarmEmail: '' });
    f.template.resourceCountIs('AWS::SNS::Subscription', 0);
    expect(Object.keys(f.template.toJSON().Parameters ?? {})).not.toContain('AlarmEmail');
  });
});
