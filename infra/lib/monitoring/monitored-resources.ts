import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as opensearch from 'aws-cdk-lib/aws-opensearchservice';
import type * as sqs from 'aws-cdk-lib/aws-sqs';

/** The ElastiCache cache, by the kind of deployment (their metrics have different names and dimensions). */
export type MonitoredCache =
  | {
      kind: 'serverless';
      /** The serverless cache's name: its metrics carry it as the `clusterId` dimension. */
      cacheName: string;
      /** The cache's data storage cap (config), to alarm before it is reached and evictions start. */
      maxDataStorageGb: number;
      /** The cache's ECPU/s cap (config); above it commands are throttled. */
      maxEcpuPerSecond: number;
    }
  | {
      kind: 'replication-group';
      /** Node metrics carry `CacheClusterId` = `<replicationGroupId>-001`, `-002`, … */
      replicationGroupId: string;
      /** Primary plus replicas. */
      nodeCount: number;
    };

/**
 * What the monitoring watches: references to resources other constructs own. Every field is an
 * interface type, so imported resources (`HttpApi.fromHttpApiAttributes` …) fit as well.
 */
export interface MonitoredResources {
  readonly httpApi: apigwv2.IHttpApi;
  /** The API's stage; `$default` (the only one the HTTP handler supports). */
  readonly stageName?: string;
  /** The function behind the HTTP API. */
  readonly apiFunction: lambda.IFunction;
  /** The function on the table's stream (its IteratorAge is the stream's lag). */
  readonly streamFunction: lambda.IFunction;
  /** The stream mapping's on-failure destination: a batch that exhausted its retries lands here. */
  readonly streamFailureQueue: sqs.IQueue;
  /** The chunked-rebuild function, watched like the others when the stack deploys one. */
  readonly rebuildFunction?: lambda.IFunction;
  /** Its asynchronous invocations' on-failure destination: a rebuild chain that stopped lands here. */
  readonly rebuildFailureQueue?: sqs.IQueue;
  readonly tables: { readonly main: dynamodb.ITable; readonly credentials: dynamodb.ITable };
  readonly search: {
    readonly domain: opensearch.IDomain;
    /** One data node cannot place a replica: yellow is then not alarmed (see Monitoring). */
    readonly dataNodeCount: number;
    /** EBS volume per data node, for the free-storage threshold. */
    readonly volumeGiB: number;
  };
  readonly cache: MonitoredCache;
  /** The Neptune cluster identifier (`DBClusterIdentifier` dimension; CfnDBCluster's Ref). */
  readonly graphClusterId: string;
}
