import { CfnResource, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import { Construct } from 'constructs';
import type { BookstoreConfig } from '../config.js';
import type { CacheContract } from '../contracts.js';
import type { Network } from '../network.js';

export interface CacheProps {
  config: BookstoreConfig;
  network: Network;
}

/**
 * Valkey on ElastiCache for the bestsellers, book cache and rate counters. Authentication is IAM:
 * one ElastiCache user with `authenticationMode: iam` (its id equals its name, as IAM auth requires)
 * in a user group with a disabled `default` user, so a connection without a valid SigV4 token gets
 * nothing, and no password or Secrets Manager secret (nor its interface endpoint) exists.
 *
 * Both configs use ElastiCache Serverless: it is encrypted in transit (TLS only) and at rest by
 * design, replicates across AZs with automatic failover, scales without sizing, and idles at the
 * 100 MB storage minimum (about $6/month) instead of two always-on nodes. It speaks cluster mode
 * only, which the app supports (BOOKSTORE_REDIS_MODE=cluster; hash-tagged keys). The node-based
 * alternative (a replication group with replicas in other AZs and automatic failover) is kept for a
 * config that wants fixed capacity.
 */
export class Cache extends Construct implements CacheContract {
  readonly endpointAddress: string;
  readonly endpointPort: string;
  readonly mode: 'cluster' | 'standalone';
  readonly serverless: boolean;
  readonly cacheName: string;
  readonly iamUserId: string;
  readonly cacheArn: string;
  readonly userArn: string;
  readonly securityGroup: ec2.SecurityGroup;
  /** The serverless cache or replication group resource (for tests and monitoring). */
  readonly resource: CfnResource;

  constructor(scope: Construct, id: string, props: CacheProps) {
    super(scope, id);
    const { config, network } = props;
    const cfg = config.redis;
    const stack = Stack.of(this);
    const removalPolicy = config.keepDataOnDelete ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    this.cacheName = config.resourcePrefix;
    this.iamUserId = `${config.resourcePrefix}-app`;

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: network.vpc,
      description: 'Valkey: 6379 (and 6380, the serverless read port) from the functions only',
      allowAllOutbound: false,
    });
    this.securityGroup.connections.allowFrom(network.functionSecurityGroup, ec2.Port.tcpRange(6379, 6380), 'Valkey from the functions');

    const appUser = new elasticache.CfnUser(this, 'AppUser', {
      engine: 'valkey',
      userId: this.iamUserId,
      userName: this.iamUserId,
      authenticationMode: { Type: 'iam' },
      // The IAM policy (elasticache:Connect on this cache and user) is the gate; inside, the app
      // needs its scripts, cluster commands and INFO (the client's ready check).
      accessString: 'on ~* &* +@all',
    });
    // A user group must hold a user named `default`; this one is switched off and has no commands.
    const defaultUser = new elasticache.CfnUser(this, 'DisabledDefaultUser', {
      engine: 'valkey',
      userId: `${config.resourcePrefix}-default`,
      userName: 'default',
      noPasswordRequired: true,
      accessString: 'off -@all',
    });
    const userGroup = new elasticache.CfnUserGroup(this, 'UserGroup', {
      engine: 'valkey',
      userGroupId: `${config.resourcePrefix}-users`,
      userIds: [appUser.userId, defaultUser.userId],
    });
    userGroup.addResourceDependency(appUser);
    userGroup.addResourceDependency(defaultUser);
    this.userArn = appUser.attrArn;

    if (cfg.kind === 'serverless') {
      const cache = new elasticache.CfnServerlessCache(this, 'Serverless', {
        serverlessCacheName: this.cacheName,
        engine: 'valkey',
        majorEngineVersion: cfg.engineMajorVersion,
        description: `${config.stackName} cache`,
        cacheUsageLimits: {
          dataStorage: { maximum: cfg.maxDataStorageGb, unit: 'GB' },
          ecpuPerSecond: { maximum: cfg.maxEcpuPerSecond },
        },
        securityGroupIds: [this.securityGroup.securityGroupId],
        subnetIds: network.vpc.isolatedSubnets.map((s) => s.subnetId),
        userGroupId: userGroup.userGroupId,
        ...(cfg.snapshotRetentionDays > 0 ? { snapshotRetentionLimit: cfg.snapshotRetentionDays } : {}),
      });
      cache.addResourceDependency(userGroup);
      cache.applyRemovalPolicy(removalPolicy);
      this.resource = cache;
      this.serverless = true;
      this.mode = 'cluster';
      this.endpointAddress = cache.attrEndpointAddress;
      this.endpointPort = cache.attrEndpointPort;
      this.cacheArn = cache.attrArn;
    } else {
      const subnetGroup = new elasticache.CfnSubnetGroup(this, 'Subnets', {
        description: `${config.stackName} cache subnets`,
        subnetIds: network.vpc.isolatedSubnets.map((s) => s.subnetId),
      });
      const group = new elasticache.CfnReplicationGroup(this, 'ReplicationGroup', {
        replicationGroupId: this.cacheName,
        replicationGroupDescription: `${config.stackName} cache`,
        engine: 'valkey',
        engineVersion: cfg.engineVersion,
        cacheNodeType: cfg.nodeType,
        numNodeGroups: 1,
        replicasPerNodeGroup: cfg.replicasPerShard,
        automaticFailoverEnabled: cfg.replicasPerShard > 0,
        multiAzEnabled: cfg.replicasPerShard > 0,
        transitEncryptionEnabled: true,
        transitEncryptionMode: 'required',
        atRestEncryptionEnabled: true,
        userGroupIds: [userGroup.userGroupId],
        cacheSubnetGroupName: subnetGroup.ref,
        securityGroupIds: [this.securityGroup.securityGroupId],
        snapshotRetentionLimit: cfg.snapshotRetentionDays,
      });
      group.addResourceDependency(userGroup);
      group.applyRemovalPolicy(removalPolicy);
      this.resource = group;
      this.serverless = false;
      this.mode = 'standalone';
      this.endpointAddress = group.attrPrimaryEndPointAddress;
      this.endpointPort = group.attrPrimaryEndPointPort;
      this.cacheArn = `arn:${stack.partition}:elasticache:${stack.region}:${stack.account}:replicationgroup:${this.cacheName}`;
    }
  }
}
