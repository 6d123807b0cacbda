/**
 * Every size, count and switch of a deployment, one typed object per configuration. Constructs read
 * their numbers from here and nowhere else, so the difference between dev and prod is this file.
 *
 * dev: cheapest sensible. One AZ wherever a service allows it, smallest sizes, everything deletable.
 * prod: every stateful service over at least two AZs, replicas, automatic failover, deletion
 * protection, point-in-time recovery, resources kept when the stack is deleted.
 */

export type ConfigName = 'dev' | 'prod';

export interface NetworkConfig {
  /**
   * AZs the VPC spans. The stack is environment-agnostic (no lookups, no credentials at synth), so
   * the AZs are `Fn::Select [i, Fn::GetAZs '']` tokens resolved by CloudFormation at deploy time:
   * 3 needs a region with at least three AZs (every commercial region but us-west-1 for new accounts).
   */
  azCount: 2 | 3;
  /**
   * Names the AZs instead (e.g. ['eu-west-1a', 'eu-west-1b', 'eu-west-1c']), for a region where an
   * instance type is missing from one of the first AZs; the stack then deploys to that region only.
   */
  availabilityZones?: string[];
  cidr: string;
  /** AZs (the first n of the VPC's) that carry the `cognito-idp` interface endpoint; 1 halves its cost. */
  cognitoEndpointAzCount: number;
  flowLogRetentionDays: number;
}

export interface DynamoDbConfig {
  /** The main table; the credentials table is `<tableName>-credentials` (what the app derives). */
  tableName: string;
  deletionProtection: boolean;
  pointInTimeRecovery: boolean;
}

export interface OpenSearchConfig {
  /** `OpenSearch_<major>.<minor>`. */
  engineVersion: string;
  dataNodeInstanceType: string;
  dataNodeCount: number;
  /** gp3 volume per data node. */
  volumeGiB: number;
  /** 1 = no zone awareness; 2 or 3 = data nodes spread over that many AZs. */
  availabilityZoneCount: 1 | 2 | 3;
  /** Dedicated master nodes (0 = none; otherwise 3). */
  dedicatedMasterCount: 0 | 3;
  dedicatedMasterInstanceType: string;
  /** BOOKSTORE_OPENSEARCH_REPLICAS: replica shards of the books index (0 on one data node). */
  indexReplicas: number;
}

export type RedisConfig =
  | {
      /** ElastiCache Serverless (Valkey): cluster mode only, scales by itself, multi-AZ by design. */
      kind: 'serverless';
      engineMajorVersion: string;
      /** Upper bounds that cap the bill; the minimum billed storage is 100 MB for Valkey. */
      maxDataStorageGb: number;
      maxEcpuPerSecond: number;
      snapshotRetentionDays: number;
    }
  | {
      /** A node-based replication group (cluster mode disabled): one primary, replicas in other AZs. */
      kind: 'replication-group';
      engineVersion: string;
      nodeType: string;
      replicasPerShard: number;
      snapshotRetentionDays: number;
    };

/**
 * Office hours for a cluster that nobody needs at night: EventBridge Scheduler stops the Neptune
 * cluster every day at `stopHour` and starts it on `workDays` at `startHour`, then rebuilds every
 * derived store from the table (infra/lib/off-hours.ts says why). Turned off at deploy time with
 * `--parameters GraphOffHours=DISABLED`, without a code change.
 */
export interface OffHoursConfig {
  /** IANA time zone of the hours (e.g. 'Europe/Berlin'); the schedules follow its daylight saving time. */
  timeZone: string;
  /** The days the cluster is started, as a cron day-of-week field: 'MON-FRI'. */
  workDays: string;
  /** Hour (0–23) the cluster is started on work days. */
  startHour: number;
  /** Hour (0–23) the cluster is stopped, every day (so a cluster started by hand, or by AWS after 7 stopped days, goes off again). */
  stopHour: number;
  /** Minutes after the start at which the rebuilds begin: Neptune takes several minutes to start. */
  rebuildAfterMinutes: number;
}

export interface NeptuneConfig {
  instanceClass: string;
  /** Reader instances besides the writer; each goes to another AZ (prod: failover target). */
  readerCount: number;
  backupRetentionDays: number;
  deletionProtection: boolean;
  /** Stop the cluster outside these hours (dev); undefined: always on (prod). */
  offHours?: OffHoursConfig;
}

export interface CognitoConfig {
  deletionProtection: boolean;
  /** Matches the domain's own rule (src/domain: at least 10 characters): Cognito must never refuse what the API accepts. */
  passwordMinLength: number;
}

export interface LambdaConfig {
  httpMemoryMb: number;
  httpTimeoutSeconds: number;
  streamMemoryMb: number;
  streamTimeoutSeconds: number;
  /** The rebuild function: a chunk holds up to the chunk size of books in memory; 900 s is Lambda's maximum. */
  rebuildMemoryMb: number;
  rebuildTimeoutSeconds: number;
  /** BOOKSTORE_REBUILD_CHUNK_SIZE (books per invocation); undefined = the app's default (2000). */
  rebuildChunkSize?: number;
  /** Reserved concurrency of the HTTP function (undefined = the account's unreserved pool). */
  httpReservedConcurrency?: number;
  logRetentionDays: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

export interface StreamConfig {
  batchSize: number;
  maxBatchingWindowSeconds: number;
  /** Bounded retries; after them the batch's pointer goes to the on-failure queue. */
  retryAttempts: number;
  /**
   * A record older than this is given up (its batch's pointer goes to the on-failure queue). Strictly
   * less than the stream's 24-hour retention (StreamMapping checks): at 24 h a record that still fails
   * is trimmed from the stream before Lambda gives it up, so it would vanish without a pointer in the
   * queue, and a pointer to a trimmed record cannot be replayed. 12 h leaves the other 12 to replay.
   */
  maxRecordAgeHours: number;
  parallelizationFactor: number;
  dlqRetentionDays: number;
}

export interface ApiConfig {
  throttleRatePerSecond: number;
  throttleBurst: number;
  accessLogRetentionDays: number;
}

export interface WebConfig {
  /** CloudFront price class: 100 (NA+EU) is the cheapest. */
  priceClass: 'PriceClass_100' | 'PriceClass_200' | 'PriceClass_All';
  /**
   * The storefront's own host names instead of `*.cloudfront.net`: an ACM certificate in us-east-1
   * (CloudFront's region) covering them, by ARN (no lookup). Point the names' DNS at the
   * distribution afterwards (CNAME, or an alias record in Route 53).
   */
  customDomain?: { domainNames: string[]; certificateArn: string };
}

export interface MonitoringConfig {
  /** The 99.9% availability SLO the burn-rate alarms protect. */
  availabilityTarget: number;
  /** Stream iterator age that pages someone. */
  iteratorAgeAlarmSeconds: number;
}

export interface BookstoreConfig {
  name: ConfigName;
  /** The CloudFormation stack name. */
  stackName: string;
  /** Prefix for physical names that must be stable (table, cache, user, pool). Lower case. */
  resourcePrefix: string;
  /** dev: resources go with the stack; prod: they stay (RETAIN, or SNAPSHOT where supported). */
  keepDataOnDelete: boolean;
  network: NetworkConfig;
  dynamodb: DynamoDbConfig;
  opensearch: OpenSearchConfig;
  redis: RedisConfig;
  neptune: NeptuneConfig;
  cognito: CognitoConfig;
  lambda: LambdaConfig;
  stream: StreamConfig;
  api: ApiConfig;
  web: WebConfig;
  monitoring: MonitoringConfig;
  /** Applied to every resource of the stack. */
  tags: Record<string, string>;
}

const dev: BookstoreConfig = {
  name: 'dev',
  stackName: 'Bookstore-dev',
  resourcePrefix: 'bookstore-dev',
  keepDataOnDelete: false,
  network: { azCount: 2, cidr: '10.20.0.0/16', cognitoEndpointAzCount: 1, flowLogRetentionDays: 14 },
  dynamodb: { tableName: 'bookstore-dev', deletionProtection: false, pointInTimeRecovery: true },
  opensearch: {
    engineVersion: 'OpenSearch_2.19',
    dataNodeInstanceType: 't3.small.search',
    dataNodeCount: 1,
    volumeGiB: 10,
    availabilityZoneCount: 1,
    dedicatedMasterCount: 0,
    dedicatedMasterInstanceType: 'm7g.large.search',
    indexReplicas: 0,
  },
  redis: { kind: 'serverless', engineMajorVersion: '8', maxDataStorageGb: 1, maxEcpuPerSecond: 5000, snapshotRetentionDays: 0 },
  neptune: {
    instanceClass: 'db.t4g.medium',
    readerCount: 0,
    backupRetentionDays: 7,
    deletionProtection: false,
    // 12 hours on 5 days: 60 of the week's 168 hours, about $46/month less than always on (docs/aws.md).
    offHours: { timeZone: 'UTC', workDays: 'MON-FRI', startHour: 7, stopHour: 19, rebuildAfterMinutes: 30 },
  },
  cognito: { deletionProtection: false, passwordMinLength: 10 },
  lambda: {
    httpMemoryMb: 1024,
    httpTimeoutSeconds: 29,
    streamMemoryMb: 1024,
    streamTimeoutSeconds: 120,
    rebuildMemoryMb: 1024,
    rebuildTimeoutSeconds: 900,
    logRetentionDays: 14,
    logLevel: 'info',
  },
  stream: { batchSize: 100, maxBatchingWindowSeconds: 1, retryAttempts: 5, maxRecordAgeHours: 12, parallelizationFactor: 1, dlqRetentionDays: 14 },
  api: { throttleRatePerSecond: 50, throttleBurst: 100, accessLogRetentionDays: 14 },
  web: { priceClass: 'PriceClass_100' },
  monitoring: { availabilityTarget: 0.999, iteratorAgeAlarmSeconds: 300 },
  tags: { project: 'bookstore', environment: 'dev' },
};

const prod: BookstoreConfig = {
  name: 'prod',
  stackName: 'Bookstore-prod',
  resourcePrefix: 'bookstore-prod',
  keepDataOnDelete: true,
  network: { azCount: 3, cidr: '10.30.0.0/16', cognitoEndpointAzCount: 3, flowLogRetentionDays: 90 },
  dynamodb: { tableName: 'bookstore-prod', deletionProtection: true, pointInTimeRecovery: true },
  opensearch: {
    engineVersion: 'OpenSearch_2.19',
    dataNodeInstanceType: 'm7g.large.search',
    // Three master-eligible data nodes in three AZs: losing one AZ keeps a quorum (2 of 3) without
    // paying for three dedicated masters (about $300/month more).
    dataNodeCount: 3,
    volumeGiB: 20,
    availabilityZoneCount: 3,
    dedicatedMasterCount: 0,
    dedicatedMasterInstanceType: 'm7g.large.search',
    indexReplicas: 1,
  },
  redis: { kind: 'serverless', engineMajorVersion: '8', maxDataStorageGb: 5, maxEcpuPerSecond: 50000, snapshotRetentionDays: 7 },
  neptune: { instanceClass: 'db.r6g.large', readerCount: 1, backupRetentionDays: 7, deletionProtection: true },
  cognito: { deletionProtection: true, passwordMinLength: 10 },
  lambda: {
    httpMemoryMb: 1536,
    httpTimeoutSeconds: 29,
    streamMemoryMb: 1024,
    streamTimeoutSeconds: 120,
    rebuildMemoryMb: 1024,
    rebuildTimeoutSeconds: 900,
    logRetentionDays: 90,
    logLevel: 'info',
  },
  stream: { batchSize: 100, maxBatchingWindowSeconds: 1, retryAttempts: 10, maxRecordAgeHours: 12, parallelizationFactor: 2, dlqRetentionDays: 14 },
  api: { throttleRatePerSecond: 500, throttleBurst: 1000, accessLogRetentionDays: 90 },
  web: { priceClass: 'PriceClass_100' },
  monitoring: { availabilityTarget: 0.999, iteratorAgeAlarmSeconds: 300 },
  tags: { project: 'bookstore', environment: 'prod' },
};

export const CONFIGS: Readonly<Record<ConfigName, BookstoreConfig>> = { dev, prod };

export function isConfigName(value: string): value is ConfigName {
  return value === 'dev' || value === 'prod';
}

export function configFor(name: string): BookstoreConfig {
  if (!isConfigName(name)) throw new Error(`unknown config "${name}": use dev or prod`);
  return CONFIGS[name];
}
