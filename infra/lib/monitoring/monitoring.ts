import { CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  TreatMissingData,
  type IAlarm,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { AlarmTopic } from './alarm-topic.js';
import { ErrorBudgetAlarm } from './error-budget-alarm.js';
import type { MonitoredResources } from './monitored-resources.js';
import { OperationsDashboard } from './operations-dashboard.js';
import { ServiceMetrics } from './service-metrics.js';

export interface MonitoringProps {
  readonly resources: MonitoredResources;
  /** The availability SLO of the API, e.g. 0.999 (config `monitoring.availabilityTarget`). */
  readonly availabilityTarget: number;
  /**
   * Burn-rate windows with fewer API requests than this are not judged (default 10): a single failed
   * request on a nearly idle stack is not an SLO breach worth a page.
   */
  readonly sloMinimumRequests?: number;
  /** Stream lag that alarms (config `monitoring.iteratorAgeAlarmSeconds`). */
  readonly iteratorAgeAlarmSeconds: number;
  /** See {@link AlarmTopicProps.alarmEmail}: undefined adds the `AlarmEmail` stack parameter. */
  readonly alarmEmail?: string;
  /** Encrypts the alarm topic; a key of its own (rotated) when not given. */
  readonly topicKey?: kms.IKey;
  readonly dashboardName?: string;
}

/**
 * The store's CloudWatch observability: an encrypted alarm topic, the availability SLO as burn-rate
 * alarms, one health alarm per failure a person must act on, and one dashboard.
 *
 * treatMissingData is chosen per alarm (each alarm's description says why):
 * - counts that are only emitted when something happens (errors, throttles, evictions, iterator age
 *   of an idle stream, messages in a queue nobody touches): missing = nothing happened = not breaching;
 * - gauges that a running service always reports (OpenSearch status, storage, heap; Neptune CPU; cache
 *   memory): missing = keep the current state, since a late datapoint is far more often a CloudWatch
 *   delay than an outage, and a store that is really down shows up as API 5xx in the SLO alarms.
 *
 * OpenSearch yellow: a yellow cluster has unassigned replica shards. With one data node (dev) there is
 * nowhere to put a replica, the app's index asks for none (indexReplicas 0) and the loss of the node
 * is red anyway, so yellow is not alarmed there (it stays on the dashboard). With two or more nodes,
 * yellow means redundancy is lost: alarmed after 5 minutes, as AWS recommends.
 */
export class Monitoring extends Construct {
  readonly topic: AlarmTopic;
  readonly metrics: ServiceMetrics;
  readonly availability: ErrorBudgetAlarm;
  /** Every alarm that notifies the topic (the burn-rate pairs' window alarms are inside `availability`). */
  readonly alarms: readonly IAlarm[];
  readonly dashboard: OperationsDashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const r = props.resources;
    const m = (this.metrics = new ServiceMetrics(r));
    this.topic = new AlarmTopic(this, 'AlarmTopic', { alarmEmail: props.alarmEmail, key: props.topicKey });
    const notify = new SnsAction(this.topic.topic);

    this.availability = new ErrorBudgetAlarm(this, 'Availability', {
      sloName: 'API availability',
      target: props.availabilityTarget,
      badEvents: m.apiServerErrors(),
      validEvents: m.apiRequests(),
      actions: [notify],
      minimumValidEvents: props.sloMinimumRequests ?? 10,
    });

    const alarms: IAlarm[] = this.availability.alarms.map((a) => a.composite);
    const alarm = (
      alarmId: string,
      description: string,
      metric: IMetric,
      options: {
        threshold: number;
        comparison?: ComparisonOperator;
        evaluationPeriods?: number;
        datapointsToAlarm?: number;
        missing: TreatMissingData;
      },
    ): Alarm => {
      const created = new Alarm(this, alarmId, {
        alarmDescription: description,
        metric,
        threshold: options.threshold,
        comparisonOperator: options.comparison ?? ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: options.evaluationPeriods ?? 1,
        datapointsToAlarm: options.datapointsToAlarm,
        treatMissingData: options.missing,
      });
      created.addAlarmAction(notify);
      created.addOkAction(notify);
      alarms.push(created);
      return created;
    };
    const NOTHING_HAPPENED = TreatMissingData.NOT_BREACHING;
    const KEEP_STATE = TreatMissingData.MISSING;

    // --- The change stream ---
    // One 5-minute maximum: the age only grows while a batch is stuck, and retries leave gaps between
    // datapoints that would break a run of one-minute periods.
    alarm(
      'StreamIteratorAge',
      `Projections lag the table by more than ${props.iteratorAgeAlarmSeconds} s: a batch keeps failing or the function ` +
        'cannot keep up (search, bestsellers, graph and cache go stale). No data: no writes, no lag.',
      m.streamIteratorAge({ period: Duration.minutes(5) }),
      { threshold: props.iteratorAgeAlarmSeconds * 1000, missing: NOTHING_HAPPENED },
    );
    alarm(
      'ProjectionErrors',
      'A projection failed to apply changes in three 5-minute periods in a row (the stream handler reports them as ' +
        'batch item failures, which Lambda does not count as function errors). Reported only when they happen.',
      m.allProjectionErrors(),
      { threshold: 1, evaluationPeriods: 3, missing: NOTHING_HAPPENED },
    );
    alarm(
      'StreamFailedBatches',
      'A stream batch exhausted its retries and its pointer is in the on-failure queue: the derived stores miss those ' +
        'changes until it is replayed (docs/aws.md). No data: SQS stops reporting a queue that stays empty and untouched.',
      m.failedBatches(),
      { threshold: 0, comparison: ComparisonOperator.GREATER_THAN_THRESHOLD, missing: NOTHING_HAPPENED },
    );
    const failedRebuilds = m.failedRebuilds();
    if (failedRebuilds) {
      alarm(
        'RebuildFailedInvocations',
        'A chunked rebuild stopped: an invocation of the rebuild function failed after its retries and landed in its ' +
          'on-failure queue. The job keeps its progress; start the rebuild again (docs/operations-aws.md). No data: an untouched queue.',
        failedRebuilds,
        { threshold: 0, comparison: ComparisonOperator.GREATER_THAN_THRESHOLD, missing: NOTHING_HAPPENED },
      );
    }

    // --- Lambda ---
    for (const { name, fn } of m.functions()) {
      alarm(
        `${name}FunctionThrottles`,
        `The ${name} function was throttled (concurrency limit reached). Throttles are only reported when they happen.`,
        m.lambdaThrottles(fn, name),
        { threshold: 1, missing: NOTHING_HAPPENED },
      );
      alarm(
        `${name}FunctionErrors`,
        `The ${name} function failed (crash, timeout, unhandled error) in three 5-minute periods in a row: not a blip ` +
          'that a retry absorbs. Errors are only reported when invocations happen.',
        m.lambdaErrors(fn, name),
        { threshold: 1, evaluationPeriods: 3, missing: NOTHING_HAPPENED },
      );
    }

    // --- DynamoDB ---
    for (const { name, table } of m.tables()) {
      alarm(
        `DynamoDb${name === 'main' ? 'Main' : 'Credentials'}TableThrottles`,
        `The ${name} table throttled reads or writes (on-demand: a hot partition or the table's or account's limit). ` +
          'Throttle events are only reported when they happen.',
        m.tableThrottles(table),
        { threshold: 1, missing: NOTHING_HAPPENED },
      );
    }

    // --- OpenSearch ---
    alarm(
      'SearchClusterRed',
      'OpenSearch is red: at least one primary shard is unassigned, searches and the search projection fail. ' +
        'Missing data keeps the state (a running domain reports every minute; outages show in the SLO alarms).',
      m.searchClusterStatus('red'),
      { threshold: 1, missing: KEEP_STATE },
    );
    if (r.search.dataNodeCount > 1) {
      alarm(
        'SearchClusterYellow',
        'OpenSearch has been yellow for 5 minutes: replica shards are unassigned, one more node loss loses data. ' +
          'Missing data keeps the state.',
        m.searchClusterStatus('yellow'),
        { threshold: 1, evaluationPeriods: 5, missing: KEEP_STATE },
      );
    }
    const volumeMb = r.search.volumeGiB * 1024;
    alarm(
      'SearchFreeStorage',
      `A search data node has less than 20% of its ${r.search.volumeGiB} GiB volume free; at 5% OpenSearch blocks writes. ` +
        'Missing data keeps the state.',
      m.searchFreeStorage(),
      { threshold: Math.round(volumeMb * 0.2), comparison: ComparisonOperator.LESS_THAN_OR_EQUAL_TO_THRESHOLD, missing: KEEP_STATE },
    );
    alarm(
      'SearchJvmMemoryPressure',
      'OpenSearch heap above 95% for 3 minutes: the node is about to reject requests or run out of memory. ' +
        'Missing data keeps the state.',
      m.searchJvmMemoryPressure(),
      { threshold: 95, evaluationPeriods: 3, missing: KEEP_STATE },
    );
    alarm(
      'SearchIndexWritesBlocked',
      'OpenSearch blocks index writes (storage or memory): the search projection cannot apply changes. ' +
        'Missing data keeps the state.',
      m.searchIndexWritesBlocked(),
      { threshold: 1, missing: KEEP_STATE },
    );

    // --- ElastiCache ---
    const cache = r.cache;
    if (cache.kind === 'serverless') {
      alarm(
        'CacheMemory',
        `The cache holds more than 80% of its ${cache.maxDataStorageGb} GB cap; at the cap it evicts. Missing data keeps the state.`,
        one(m.cacheMemory()),
        { threshold: Math.round(cache.maxDataStorageGb * 1e9 * 0.8), missing: KEEP_STATE },
      );
      alarm(
        'CacheThrottledCommands',
        `The cache refused commands for 10 minutes (its ${cache.maxEcpuPerSecond} ECPU/s cap, or scaling slower than the load). ` +
          'Throttles are only reported when they happen.',
        one(m.cacheThrottledCommands()),
        { threshold: 1, evaluationPeriods: 2, missing: NOTHING_HAPPENED },
      );
    } else {
      m.cacheCompute().forEach((metric, index) =>
        alarm(
          `CacheEngineCpuNode${index + 1}`,
          `Cache node ${index + 1}: the engine thread above 90% CPU for 15 minutes. Missing data keeps the state.`,
          metric,
          { threshold: 90, evaluationPeriods: 3, missing: KEEP_STATE },
        ),
      );
      m.cacheMemory().forEach((metric, index) =>
        alarm(
          `CacheMemoryNode${index + 1}`,
          `Cache node ${index + 1}: more than 90% of maxmemory used; it evicts beyond. Missing data keeps the state.`,
          metric,
          { threshold: 90, missing: KEEP_STATE },
        ),
      );
    }
    m.cacheEvictions().forEach((metric, index, all) =>
      alarm(
        all.length === 1 ? 'CacheEvictions' : `CacheEvictionsNode${index + 1}`,
        'The cache evicted more than 1000 keys in each of three 5-minute periods: it is too small for the catalog it ' +
          'serves (reads fall through to DynamoDB). Missing data: no evictions.',
        metric,
        { threshold: 1000, comparison: ComparisonOperator.GREATER_THAN_THRESHOLD, evaluationPeriods: 3, missing: NOTHING_HAPPENED },
      ),
    );

    // --- Neptune ---
    alarm(
      'GraphCpu',
      'Neptune above 80% CPU for 15 minutes: recommendations slow down (burstable dev instances also run out of credits). ' +
        'Missing data keeps the state.',
      m.graphCpu(),
      { threshold: 80, evaluationPeriods: 3, missing: KEEP_STATE },
    );

    this.alarms = alarms;
    this.dashboard = new OperationsDashboard(this, 'Dashboard', {
      metrics: m,
      alarms,
      dashboardName: props.dashboardName,
      iteratorAgeAlarmSeconds: props.iteratorAgeAlarmSeconds,
    });

    const stack = Stack.of(this);
    new CfnOutput(this, 'DashboardUrl', {
      description: 'The CloudWatch dashboard of the store',
      value: `https://console.aws.amazon.com/cloudwatch/home?region=${stack.region}#dashboards:name=${this.dashboard.dashboard.dashboardName}`,
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      description: 'SNS topic every alarm notifies (subscribe more endpoints to it)',
      value: this.topic.topic.topicArn,
    });
  }
}

function one<T>(items: readonly T[]): T {
  const [item] = items;
  if (items.length !== 1 || item === undefined) throw new Error(`expected one metric, got ${items.length}`);
  return item;
}
