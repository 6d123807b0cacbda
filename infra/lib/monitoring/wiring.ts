import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { BookstoreConfig } from '../config.js';
import type { DataContracts } from '../contracts.js';
import type { MonitoredCache } from './monitored-resources.js';
import type { MonitoringProps } from './monitoring.js';

/** What the compute constructs hand to monitoring. */
export interface MonitoredCompute {
  httpApi: apigwv2.IHttpApi;
  apiFunction: lambda.IFunction;
  streamFunction: lambda.IFunction;
  /** The stream mapping's on-failure destination. */
  streamFailureQueue: sqs.IQueue;
  /** The function that rebuilds a derived store in chunks, and where its failed invocations land. */
  rebuildFunction?: lambda.IFunction;
  rebuildFailureQueue?: sqs.IQueue;
}

/**
 * The stack's one line of wiring: `new Monitoring(this, 'Monitoring', monitoringProps(config, data, compute))`.
 * Sizes and thresholds come from the config, resources from the data contracts and compute.
 */
export function monitoringProps(
  config: BookstoreConfig,
  data: DataContracts,
  compute: MonitoredCompute,
  options: Pick<MonitoringProps, 'alarmEmail' | 'dashboardName' | 'topicKey'> = {},
): MonitoringProps {
  const redis = config.redis;
  const cache: MonitoredCache =
    redis.kind === 'serverless'
      ? {
          kind: 'serverless',
          cacheName: data.cache.cacheName,
          maxDataStorageGb: redis.maxDataStorageGb,
          maxEcpuPerSecond: redis.maxEcpuPerSecond,
        }
      : { kind: 'replication-group', replicationGroupId: data.cache.cacheName, nodeCount: 1 + redis.replicasPerShard };
  return {
    resources: {
      ...compute,
      stageName: '$default',
      tables: { main: data.tables.table, credentials: data.tables.credentialsTable },
      search: {
        domain: data.search.domain,
        dataNodeCount: config.opensearch.dataNodeCount,
        volumeGiB: config.opensearch.volumeGiB,
      },
      cache,
      graphClusterId: data.graph.clusterIdentifier,
    },
    availabilityTarget: config.monitoring.availabilityTarget,
    iteratorAgeAlarmSeconds: config.monitoring.iteratorAgeAlarmSeconds,
    dashboardName: options.dashboardName ?? `${config.stackName}-operations`,
    ...(options.alarmEmail !== undefined && { alarmEmail: options.alarmEmail }),
    ...(options.topicKey !== undefined && { topicKey: options.topicKey }),
  };
}
