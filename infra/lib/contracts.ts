/**
 * What the data layer (network, tables, search, cache, graph, identity) hands to the compute and
 * monitoring constructs, and the two things every function needs from it: its environment variables
 * and its IAM grants. Compute and monitoring import this file only, never the data constructs.
 *
 * Stable contract: changes here are additive.
 */
import { Stack } from 'aws-cdk-lib';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as opensearch from 'aws-cdk-lib/aws-opensearchservice';
import type { BookstoreConfig } from './config.js';

/** Where functions run: private isolated subnets, no route to the internet, one security group. */
export interface NetworkContract {
  vpc: ec2.IVpc;
  /** Pass as `vpcSubnets` of every function (private isolated subnets in every AZ of the VPC). */
  functionSubnets: ec2.SubnetSelection;
  /** Pass as `securityGroups: [functionSecurityGroup]`: every data store admits this group only. */
  functionSecurityGroup: ec2.ISecurityGroup;
}

/** The system of record: the main table (with its stream) and the credentials table (no stream). */
export interface TablesContract {
  /** Has `tableStreamArn` (NEW_AND_OLD_IMAGES): use it for the stream function's event source. */
  table: dynamodb.ITable;
  /** `<table name>-credentials`: the app derives this name from BOOKSTORE_DYNAMODB_TABLE. */
  credentialsTable: dynamodb.ITable;
}

export interface SearchContract {
  domain: opensearch.IDomain;
  /** BOOKSTORE_OPENSEARCH_REPLICAS. */
  indexReplicas: number;
  /**
   * Adds a principal to the domain's resource policy (the policy names the functions' roles and
   * nothing else). `grantSearch` calls it; no need to call it yourself.
   */
  allowPrincipal(principal: iam.IPrincipal): void;
}

export interface CacheContract {
  /** Host name of the cache endpoint (serverless endpoint or primary endpoint); token. */
  endpointAddress: string;
  /** Port of that endpoint; token (a string, as CloudFormation returns it). */
  endpointPort: string;
  /** BOOKSTORE_REDIS_MODE: serverless caches speak cluster mode only. */
  mode: 'cluster' | 'standalone';
  serverless: boolean;
  /** Serverless cache name or replication group id (BOOKSTORE_REDIS_IAM_CACHE; the metric dimension). */
  cacheName: string;
  /** The ElastiCache user with IAM authentication; its id equals its name (BOOKSTORE_REDIS_IAM_USER). */
  iamUserId: string;
  /** ARN of the serverless cache or replication group, for `elasticache:Connect`. */
  cacheArn: string;
  /** ARN of the IAM-authenticated ElastiCache user, for `elasticache:Connect`. */
  userArn: string;
}

export interface GraphContract {
  /** Writer (cluster) endpoint host name; token. */
  endpoint: string;
  /** 8182; token. */
  port: string;
  /** `cluster-XXXX`: the resource of `neptune-db:*` ARNs. */
  clusterResourceId: string;
  /** DBClusterIdentifier (metric dimension). */
  clusterIdentifier: string;
}

export interface IdentityContract {
  userPool: cognito.IUserPool;
  userPoolClient: cognito.IUserPoolClient;
}

/** Shared encryption keys. */
export interface KeysContract {
  /**
   * Customer-managed KMS key (rotation on) whose policy lets CloudWatch Logs in this region use it:
   * pass as `encryptionKey` of every log group (function logs, API access logs, flow logs).
   */
  logsKey: kms.IKey;
}

/** Everything the data layer provides, in one object. */
export interface DataContracts {
  keys: KeysContract;
  network: NetworkContract;
  tables: TablesContract;
  search: SearchContract;
  cache: CacheContract;
  graph: GraphContract;
  identity: IdentityContract;
}

/**
 * The environment variables of both functions (see docs/lambda.md and src/config.ts): the engines
 * profile with every engine pointed at its AWS service, IAM/SigV4 everywhere, nothing secret.
 */
export function appEnvironment(data: DataContracts, config: BookstoreConfig): Record<string, string> {
  const { tables, search, cache, graph, identity } = data;
  return {
    BOOKSTORE_PROFILE: 'engines',
    BOOKSTORE_PROVISION: 'false',
    BOOKSTORE_LOG_LEVEL: config.lambda.logLevel,
    BOOKSTORE_DYNAMODB_ENDPOINT: 'aws',
    BOOKSTORE_DYNAMODB_TABLE: tables.table.tableName,
    BOOKSTORE_OPENSEARCH_URL: `https://${search.domain.domainEndpoint}`,
    BOOKSTORE_OPENSEARCH_AUTH: 'sigv4',
    BOOKSTORE_OPENSEARCH_REPLICAS: String(search.indexReplicas),
    BOOKSTORE_REDIS_URL: `rediss://${cache.endpointAddress}:${cache.endpointPort}`,
    BOOKSTORE_REDIS_MODE: cache.mode,
    BOOKSTORE_REDIS_AUTH: 'iam',
    BOOKSTORE_REDIS_IAM_USER: cache.iamUserId,
    BOOKSTORE_REDIS_IAM_CACHE: cache.cacheName,
    BOOKSTORE_REDIS_IAM_SERVERLESS: String(cache.serverless),
    BOOKSTORE_GREMLIN_URL: `wss://${graph.endpoint}:${graph.port}/gremlin`,
    BOOKSTORE_GREMLIN_AUTH: 'sigv4',
    BOOKSTORE_COGNITO_ENDPOINT: 'aws',
    BOOKSTORE_COGNITO_USER_POOL_ID: identity.userPool.userPoolId,
    BOOKSTORE_COGNITO_CLIENT_ID: identity.userPoolClient.userPoolClientId,
  };
}

/** The HTTP methods the OpenSearch adapter sends (search, index template, bulk, alias switch). */
const OPENSEARCH_ACTIONS = ['es:ESHttpGet', 'es:ESHttpHead', 'es:ESHttpPost', 'es:ESHttpPut', 'es:ESHttpDelete', 'es:ESHttpPatch'];

/** The Cognito calls src/adapters/cognito/cognito-identity.ts signs (InitiateAuth needs no IAM). */
const COGNITO_ADMIN_ACTIONS = [
  'cognito-idp:AdminCreateUser',
  'cognito-idp:AdminSetUserPassword',
  'cognito-idp:AdminDeleteUser',
  'cognito-idp:AdminUpdateUserAttributes',
  'cognito-idp:AdminAddUserToGroup',
  'cognito-idp:AdminRemoveUserFromGroup',
];

export function grantSearch(data: DataContracts, grantee: iam.IGrantable): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions: OPENSEARCH_ACTIONS, resources: [`${data.search.domain.domainArn}/*`] }),
  );
  data.search.allowPrincipal(grantee.grantPrincipal);
}

export function grantCache(data: DataContracts, grantee: iam.IGrantable): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions: ['elasticache:Connect'], resources: [data.cache.cacheArn, data.cache.userArn] }),
  );
}

export function grantGraph(data: DataContracts, grantee: iam.IGrantable, access: 'read' | 'read-write'): void {
  const stack = Stack.of(data.network.vpc);
  const actions = ['neptune-db:connect', 'neptune-db:ReadDataViaQuery'];
  if (access === 'read-write') actions.push('neptune-db:WriteDataViaQuery', 'neptune-db:DeleteDataViaQuery');
  grantee.grantPrincipal.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions,
      resources: [`arn:${stack.partition}:neptune-db:${stack.region}:${stack.account}:${data.graph.clusterResourceId}/*`],
    }),
  );
}

export function grantCognitoAdmin(data: DataContracts, grantee: iam.IGrantable): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions: COGNITO_ADMIN_ACTIONS, resources: [data.identity.userPool.userPoolArn] }),
  );
}

/**
 * The HTTP function: reads and writes the system of record (both tables), reads and maintains the
 * search index (template at cold start, rebuilds), the cache, the graph, and Cognito's admin calls.
 */
export function grantHttpFunction(data: DataContracts, grantee: iam.IGrantable): void {
  data.tables.table.grantReadWriteData(grantee);
  data.tables.credentialsTable.grantReadWriteData(grantee);
  grantSearch(data, grantee);
  grantCache(data, grantee);
  grantGraph(data, grantee, 'read-write');
  grantCognitoAdmin(data, grantee);
}

/**
 * The stream function: applies change events to search, bestsellers (cache), graph and the book
 * cache, and reads the main table. The stream itself is granted by the event source mapping
 * (`DynamoEventSource` calls `grantStreamRead`). No credentials table, no Cognito.
 */
export function grantStreamFunction(data: DataContracts, grantee: iam.IGrantable): void {
  data.tables.table.grantReadData(grantee);
  grantSearch(data, grantee);
  grantCache(data, grantee);
  grantGraph(data, grantee, 'read-write');
}

/**
 * The rebuild function: the stream function's data permissions (it writes the same derived stores)
 * plus, on the main table, Scan/Query/GetItem/DescribeTable (the read grant) and PutItem for the job
 * item `REBUILD#<store>` (src/adapters/dynamodb/dynamodb-rebuild-jobs.ts). No credentials table, no
 * Cognito. Invoking itself is granted by the compute construct, which knows its name.
 */
export function grantRebuildFunction(data: DataContracts, grantee: iam.IGrantable): void {
  grantStreamFunction(data, grantee);
  grantee.grantPrincipal.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions: ['dynamodb:PutItem'], resources: [data.tables.table.tableArn] }),
  );
}
