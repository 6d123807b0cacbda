import { Duration } from 'aws-cdk-lib';
import {
  AlarmStatusWidget,
  CfnDashboard,
  Dashboard,
  GraphWidget,
  type HorizontalAnnotation,
  TextWidget,
  type IAlarm,
  type IWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { PROJECTIONS, type ServiceMetrics } from './service-metrics.js';

export interface OperationsDashboardProps {
  readonly metrics: ServiceMetrics;
  /** Shown in one status widget at the top. */
  readonly alarms: readonly IAlarm[];
  readonly dashboardName?: string;
  /** Drawn on the iterator-age graph. */
  readonly iteratorAgeAlarmSeconds: number;
}

const WIDTH = 24;

/**
 * One dashboard for the whole store, top to bottom in the order a request travels: alarms, the API,
 * the functions, the change stream, each data store, then the application's own metrics. Each
 * section starts with a one-line heading.
 */
export class OperationsDashboard extends Construct {
  readonly dashboard: Dashboard;
  /** Graph and status widgets, without the section headings. */
  readonly widgetCount: number;

  constructor(scope: Construct, id: string, props: OperationsDashboardProps) {
    super(scope, id);
    const m = props.metrics;
    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      defaultInterval: Duration.hours(3),
    });
    // CloudFormation takes Tags on a dashboard, but cfn-lint before 1.58 rejects them as an error
    // (E3002), and a dashboard's tags buy nothing (it is billed per account, not allocated by tag).
    (this.dashboard.node.defaultChild as CfnDashboard).addPropertyDeletionOverride('Tags');

    let widgets = 0;
    const section = (title: string, note: string, row: IWidget[]): void => {
      this.dashboard.addWidgets(new TextWidget({ markdown: `### ${title}\n${note}`, width: WIDTH, height: 1 }));
      this.dashboard.addWidgets(...row);
      widgets += row.length;
    };
    const graph = (title: string, left: ConstructorParameters<typeof GraphWidget>[0]['left'], extra: Partial<ConstructorParameters<typeof GraphWidget>[0]> = {}) =>
      new GraphWidget({ title, left, width: WIDTH / 4, height: 6, ...extra });

    section('Alarms', 'Every alarm of the stack; the two burn-rate alarms guard the 99.9% availability SLO.', [
      new AlarmStatusWidget({ title: 'Alarms', alarms: [...props.alarms], width: WIDTH, height: 4 }),
    ]);

    section('API (HTTP API, $default stage)', 'Requests, latency seen by clients and by the function, error rates.', [
      graph('API requests', [m.apiRequests()], { statistic: 'Sum' }),
      graph('API latency p50 / p99 (ms)', [
        m.apiLatency('p50'),
        m.apiLatency('p99'),
        m.apiIntegrationLatency('p50'),
        m.apiIntegrationLatency('p99'),
      ]),
      graph('API 5xx rate (%)', [m.apiServerErrorRate()], {
        // 0.1% is the whole error budget of a 99.9% SLO spent at a constant rate.
        leftAnnotations: [{ value: 0.1, label: 'SLO budget rate', color: '#ff7f0e' } satisfies HorizontalAnnotation],
      }),
      graph('API 4xx rate (%)', [m.apiClientErrorRate()]),
    ]);

    const fns = m.functions();
    section('Lambda', 'Both functions: the HTTP API and the stream consumer.', [
      graph('Lambda errors', fns.map(({ name, fn }) => m.lambdaErrors(fn, name))),
      graph('Lambda throttles', fns.map(({ name, fn }) => m.lambdaThrottles(fn, name))),
      graph(
        'Lambda duration p50 / p99 (ms)',
        fns.flatMap(({ name, fn }) => [m.lambdaDuration(fn, 'p50', `${name} p50`), m.lambdaDuration(fn, 'p99', `${name} p99`)]),
      ),
      graph('Lambda concurrent executions', fns.map(({ name, fn }) => m.lambdaConcurrency(fn, name))),
    ]);

    section('Change stream', 'How far the projections lag behind the table, and batches that gave up.', [
      graph('Stream iterator age (ms)', [m.streamIteratorAge()], {
        width: WIDTH / 2,
        leftAnnotations: [{ value: props.iteratorAgeAlarmSeconds * 1000, label: 'alarm' }],
      }),
      graph('Stream DLQ depth (failed batches)', [m.failedBatches(), ...(m.failedRebuilds() ? [m.failedRebuilds()!] : [])], {
        width: WIDTH / 2,
      }),
    ]);

    const tables = m.tables();
    section('DynamoDB', 'Both tables, on demand: throttles should be zero.', [
      graph(
        'DynamoDB throttle events',
        tables.flatMap(({ table, name: label }) => [
          m.tableThrottleEvents(table, 'Read', `${label} read`),
          m.tableThrottleEvents(table, 'Write', `${label} write`),
        ]),
        { width: WIDTH / 2 },
      ),
      graph(
        'DynamoDB consumed capacity units',
        tables.flatMap(({ table, name: label }) => [
          m.tableConsumed(table, 'Read', `${label} read`),
          m.tableConsumed(table, 'Write', `${label} write`),
        ]),
        { width: WIDTH / 2 },
      ),
    ]);

    section('OpenSearch', 'Cluster health, heap, latency of searches, storage left.', [
      graph('OpenSearch cluster status', [m.searchClusterStatus('red'), m.searchClusterStatus('yellow')]),
      graph('OpenSearch JVM memory pressure (%)', [m.searchJvmMemoryPressure()]),
      graph('OpenSearch search latency (ms)', [m.searchLatency('p50'), m.searchLatency('p99')]),
      graph('OpenSearch free storage (MB)', [m.searchFreeStorage()]),
    ]);

    const serverless = m.cacheCompute()[0]?.metricName === 'ElastiCacheProcessingUnits';
    section('ElastiCache (Valkey)', serverless ? 'Serverless: ECPUs, data stored, evictions.' : 'Per node: engine CPU, memory, evictions.', [
      graph(serverless ? 'ElastiCache ECPUs (CPU)' : 'ElastiCache engine CPU (%)', m.cacheCompute(), { width: WIDTH / 3 }),
      graph(serverless ? 'ElastiCache bytes used (memory)' : 'ElastiCache memory used (%)', m.cacheMemory(), { width: WIDTH / 3 }),
      graph('ElastiCache evictions', m.cacheEvictions(), { width: WIDTH / 3 }),
    ]);

    section('Neptune', 'The graph database of friends and purchases.', [graph('Neptune CPU (%)', [m.graphCpu()], { width: WIDTH })]);

    section('Application (namespace Bookstore)', 'Business and health metrics the functions emit as EMF.', [
      graph('Orders and checkout conflicts', [m.appCounter('OrdersPlaced'), m.appCounter('CheckoutConflicts')]),
      graph('Sign-in failures and rate limits', [m.appCounter('SignInFailures'), m.appCounter('SignInRateLimited')]),
      graph('Search latency in the app (ms)', [m.appSearchLatency('p50'), m.appSearchLatency('p99')]),
      graph('Projection delivery delay (ms, max)', PROJECTIONS.map((p) => m.projectionDeliveryDelay(p))),
      graph('Projection errors', PROJECTIONS.map((p) => m.projectionErrors(p)), { width: WIDTH }),
    ]);

    this.widgetCount = widgets;
  }
}
