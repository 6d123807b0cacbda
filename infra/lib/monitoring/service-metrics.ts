import { Duration } from 'aws-cdk-lib';
import { MathExpression, Metric, type IMetric, type MetricOptions } from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { MonitoredResources } from './monitored-resources.js';

/** The application's own metrics (EMF from the Lambda functions): namespace and fixed dimension. */
export const APP_NAMESPACE = 'Bookstore';
export const APP_SERVICE = 'bookstore';
/** The derived stores the stream feeds, as the `projection` dimension names them. */
export const PROJECTIONS = ['search', 'bestsellers', 'graph', 'book-cache'] as const;
export type ProjectionName = (typeof PROJECTIONS)[number];

/** Counters the application emits with the single dimension `service`. */
export type AppCounter = 'OrdersPlaced' | 'CheckoutConflicts' | 'SignInFailures' | 'SignInRateLimited';

const ONE_MINUTE = Duration.minutes(1);
const FIVE_MINUTES = Duration.minutes(5);

/**
 * Every metric the dashboard and the alarms read, built once from the monitored resources so the two
 * can never disagree on a name, a dimension or a statistic.
 */
export class ServiceMetrics {
  constructor(private readonly resources: MonitoredResources) {}

  // --- API Gateway HTTP API (AWS/ApiGateway, ApiId + Stage) ---

  private api(metricName: '4xx' | '5xx' | 'Count' | 'Latency' | 'IntegrationLatency', options: MetricOptions): Metric {
    return new Metric({
      namespace: 'AWS/ApiGateway',
      metricName,
      dimensionsMap: { ApiId: this.resources.httpApi.apiId, Stage: this.resources.stageName ?? '$default' },
      period: FIVE_MINUTES,
      ...options,
    });
  }

  apiRequests(options: MetricOptions = {}): Metric {
    return this.api('Count', { statistic: 'Sum', label: 'Requests', ...options });
  }

  apiServerErrors(options: MetricOptions = {}): Metric {
    return this.api('5xx', { statistic: 'Sum', label: '5xx', ...options });
  }

  apiClientErrors(options: MetricOptions = {}): Metric {
    return this.api('4xx', { statistic: 'Sum', label: '4xx', ...options });
  }

  apiLatency(statistic: 'p50' | 'p99', options: MetricOptions = {}): Metric {
    return this.api('Latency', { statistic, label: `Latency ${statistic}`, ...options });
  }

  apiIntegrationLatency(statistic: 'p50' | 'p99', options: MetricOptions = {}): Metric {
    return this.api('IntegrationLatency', { statistic, label: `Integration latency ${statistic}`, ...options });
  }

  /** 5xx answers as a percentage of requests. */
  apiServerErrorRate(): IMetric {
    return new MathExpression({
      expression: '100 * FILL(errors, 0) / requests',
      usingMetrics: { errors: this.apiServerErrors(), requests: this.apiRequests() },
      label: '5xx rate (%)',
      period: FIVE_MINUTES,
    });
  }

  apiClientErrorRate(): IMetric {
    return new MathExpression({
      expression: '100 * FILL(errors, 0) / requests',
      usingMetrics: { errors: this.apiClientErrors(), requests: this.apiRequests() },
      label: '4xx rate (%)',
      period: FIVE_MINUTES,
    });
  }

  // --- Lambda (AWS/Lambda, FunctionName) ---

  functions(): readonly { name: string; fn: lambda.IFunction }[] {
    return [
      { name: 'API', fn: this.resources.apiFunction },
      { name: 'Stream', fn: this.resources.streamFunction },
      ...(this.resources.rebuildFunction ? [{ name: 'Rebuild', fn: this.resources.rebuildFunction }] : []),
    ];
  }

  lambdaErrors(fn: lambda.IFunction, label: string): Metric {
    return fn.metricErrors({ statistic: 'Sum', period: FIVE_MINUTES, label });
  }

  lambdaThrottles(fn: lambda.IFunction, label: string): Metric {
    return fn.metricThrottles({ statistic: 'Sum', period: FIVE_MINUTES, label });
  }

  lambdaDuration(fn: lambda.IFunction, statistic: 'p50' | 'p99', label: string): Metric {
    return fn.metricDuration({ statistic, period: FIVE_MINUTES, label });
  }

  lambdaConcurrency(fn: lambda.IFunction, label: string): Metric {
    return fn.metric('ConcurrentExecutions', { statistic: 'Maximum', period: FIVE_MINUTES, label });
  }

  /** Age of the oldest stream record in the last batch the stream function received: the projections' lag. */
  streamIteratorAge(options: MetricOptions = {}): Metric {
    return this.resources.streamFunction.metric('IteratorAge', {
      statistic: 'Maximum',
      period: ONE_MINUTE,
      label: 'Iterator age (max)',
      ...options,
    });
  }

  /** Batches that exhausted their retries, waiting in the on-failure queue to be replayed. */
  failedBatches(options: MetricOptions = {}): Metric {
    return this.resources.streamFailureQueue.metricApproximateNumberOfMessagesVisible({
      statistic: 'Maximum',
      period: FIVE_MINUTES,
      label: 'Failed batches in the queue',
      ...options,
    });
  }

  /** Rebuild invocations that failed after Lambda's retries (none when the stack has no rebuild function). */
  failedRebuilds(options: MetricOptions = {}): Metric | undefined {
    return this.resources.rebuildFailureQueue?.metricApproximateNumberOfMessagesVisible({
      statistic: 'Maximum',
      period: FIVE_MINUTES,
      label: 'Failed rebuild invocations in the queue',
      ...options,
    });
  }

  // --- DynamoDB (AWS/DynamoDB, TableName) ---

  tables(): readonly { name: string; table: dynamodb.ITable }[] {
    return [
      { name: 'main', table: this.resources.tables.main },
      { name: 'credentials', table: this.resources.tables.credentials },
    ];
  }

  tableThrottleEvents(table: dynamodb.ITable, kind: 'Read' | 'Write', label: string): Metric {
    return table.metric(`${kind}ThrottleEvents`, { statistic: 'Sum', period: FIVE_MINUTES, label });
  }

  /** Read and write throttle events of one table, summed (no datapoint = no throttling). */
  tableThrottles(table: dynamodb.ITable): IMetric {
    return new MathExpression({
      expression: 'FILL(reads, 0) + FILL(writes, 0)',
      usingMetrics: {
        reads: this.tableThrottleEvents(table, 'Read', 'read'),
        writes: this.tableThrottleEvents(table, 'Write', 'write'),
      },
      label: 'Throttle events',
      period: FIVE_MINUTES,
    });
  }

  tableConsumed(table: dynamodb.ITable, kind: 'Read' | 'Write', label: string): Metric {
    return table.metric(`Consumed${kind}CapacityUnits`, { statistic: 'Sum', period: FIVE_MINUTES, label });
  }

  // --- OpenSearch (AWS/ES, DomainName + ClientId) ---

  searchClusterStatus(colour: 'red' | 'yellow', options: MetricOptions = {}): Metric {
    const domain = this.resources.search.domain;
    const metric = colour === 'red' ? domain.metricClusterStatusRed.bind(domain) : domain.metricClusterStatusYellow.bind(domain);
    return metric({ statistic: 'Maximum', period: ONE_MINUTE, label: `Cluster status ${colour}`, ...options });
  }

  searchJvmMemoryPressure(options: MetricOptions = {}): Metric {
    return this.resources.search.domain.metricJVMMemoryPressure({
      statistic: 'Maximum',
      period: ONE_MINUTE,
      label: 'JVM memory pressure (max, %)',
      ...options,
    });
  }

  /** Megabytes free on the data node with the least (one-minute period: CloudWatch's advice for this metric). */
  searchFreeStorage(options: MetricOptions = {}): Metric {
    return this.resources.search.domain.metricFreeStorageSpace({
      statistic: 'Minimum',
      period: ONE_MINUTE,
      label: 'Free storage (MB, least node)',
      ...options,
    });
  }

  searchIndexWritesBlocked(options: MetricOptions = {}): Metric {
    return this.resources.search.domain.metricClusterIndexWritesBlocked({
      statistic: 'Maximum',
      period: FIVE_MINUTES,
      label: 'Index writes blocked',
      ...options,
    });
  }

  searchLatency(statistic: 'p50' | 'p99'): Metric {
    return this.resources.search.domain.metricSearchLatency({ statistic, period: FIVE_MINUTES, label: `Search latency ${statistic}` });
  }

  searchCpu(): Metric {
    return this.resources.search.domain.metricCPUUtilization({ statistic: 'Maximum', period: FIVE_MINUTES, label: 'CPU (max, %)' });
  }

  // --- ElastiCache (AWS/ElastiCache: clusterId for serverless caches, CacheClusterId per node otherwise) ---

  /** One metric per cache node (node-based) or one for the whole cache (serverless). */
  cache(metricName: string, options: MetricOptions): Metric[] {
    const cache = this.resources.cache;
    if (cache.kind === 'serverless') {
      return [
        new Metric({
          namespace: 'AWS/ElastiCache',
          metricName,
          dimensionsMap: { clusterId: cache.cacheName },
          period: FIVE_MINUTES,
          ...options,
        }),
      ];
    }
    return Array.from({ length: cache.nodeCount }, (_, index) => {
      const nodeId = `${cache.replicationGroupId}-${String(index + 1).padStart(3, '0')}`;
      return new Metric({
        namespace: 'AWS/ElastiCache',
        metricName,
        dimensionsMap: { CacheClusterId: nodeId },
        period: FIVE_MINUTES,
        ...options,
        label: `${options.label ?? metricName} node ${index + 1}`,
      });
    });
  }

  /** Compute: ECPUs consumed (serverless) or the engine thread's CPU per node. */
  cacheCompute(): Metric[] {
    return this.resources.cache.kind === 'serverless'
      ? this.cache('ElastiCacheProcessingUnits', { statistic: 'Sum', label: 'ECPUs' })
      : this.cache('EngineCPUUtilization', { statistic: 'Maximum', label: 'Engine CPU (%)' });
  }

  /** Memory: bytes of data (serverless) or the share of maxmemory used per node. */
  cacheMemory(): Metric[] {
    return this.resources.cache.kind === 'serverless'
      ? this.cache('BytesUsedForCache', { statistic: 'Maximum', label: 'Bytes used' })
      : this.cache('DatabaseMemoryUsagePercentage', { statistic: 'Maximum', label: 'Memory used (%)' });
  }

  cacheEvictions(): Metric[] {
    return this.cache('Evictions', { statistic: 'Sum', label: 'Evictions' });
  }

  /** Serverless only: commands refused because the cache hit its ECPU/s cap or scaled too slowly. */
  cacheThrottledCommands(): Metric[] {
    return this.cache('ThrottledCmds', { statistic: 'Sum', label: 'Throttled commands' });
  }

  // --- Neptune (AWS/Neptune, DBClusterIdentifier) ---

  graph(metricName: string, options: MetricOptions): Metric {
    return new Metric({
      namespace: 'AWS/Neptune',
      metricName,
      dimensionsMap: { DBClusterIdentifier: this.resources.graphClusterId },
      period: FIVE_MINUTES,
      ...options,
    });
  }

  graphCpu(): Metric {
    return this.graph('CPUUtilization', { statistic: 'Average', label: 'CPU (%)' });
  }

  // --- The application (Bookstore namespace, EMF) ---

  appCounter(metricName: AppCounter): Metric {
    return new Metric({
      namespace: APP_NAMESPACE,
      metricName,
      dimensionsMap: { service: APP_SERVICE },
      statistic: 'Sum',
      period: FIVE_MINUTES,
      label: metricName,
    });
  }

  appSearchLatency(statistic: 'p50' | 'p99'): Metric {
    return new Metric({
      namespace: APP_NAMESPACE,
      metricName: 'SearchLatency',
      dimensionsMap: { service: APP_SERVICE },
      statistic,
      period: FIVE_MINUTES,
      label: `Search ${statistic} (ms)`,
    });
  }

  projectionDeliveryDelay(projection: ProjectionName): Metric {
    return new Metric({
      namespace: APP_NAMESPACE,
      metricName: 'ProjectionDeliveryDelay',
      dimensionsMap: { service: APP_SERVICE, projection },
      statistic: 'Maximum',
      period: FIVE_MINUTES,
      label: projection,
    });
  }

  /** Errors of every projection, summed (no datapoint = no error). */
  allProjectionErrors(): IMetric {
    const usingMetrics = Object.fromEntries(PROJECTIONS.map((p, i) => [`p${i}`, this.projectionErrors(p)]));
    return new MathExpression({
      expression: Object.keys(usingMetrics).map((id) => `FILL(${id}, 0)`).join(' + '),
      usingMetrics,
      label: 'Projection errors (all)',
      period: FIVE_MINUTES,
    });
  }

  projectionErrors(projection: ProjectionName): Metric {
    return new Metric({
      namespace: APP_NAMESPACE,
      metricName: 'ProjectionErrors',
      dimensionsMap: { service: APP_SERVICE, projection },
      statistic: 'Sum',
      period: FIVE_MINUTES,
      label: projection,
    });
  }
}
