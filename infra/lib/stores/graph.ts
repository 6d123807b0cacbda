import { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as neptune from 'aws-cdk-lib/aws-neptune';
import { Construct } from 'constructs';
import type { BookstoreConfig } from '../config.js';
import type { GraphContract } from '../contracts.js';
import type { Network } from '../network.js';

export interface GraphProps {
  config: BookstoreConfig;
  network: Network;
}

/**
 * Neptune behind the social graph port (Gremlin over WebSocket, port 8182). IAM database
 * authentication (the adapter signs the handshake with the function's role), storage encrypted,
 * reachable from the functions' security group only. dev: one writer of the smallest class. prod: a
 * writer and a reader in another AZ (the failover target), deletion protection, a final snapshot
 * when the stack goes. Backups of 7 days in both: within the retention they cost nothing up to the
 * cluster's size.
 */
export class Graph extends Construct implements GraphContract {
  readonly endpoint: string;
  readonly port: string;
  readonly clusterResourceId: string;
  readonly clusterIdentifier: string;
  readonly cluster: neptune.CfnDBCluster;
  readonly instances: neptune.CfnDBInstance[] = [];
  readonly securityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: GraphProps) {
    super(scope, id);
    const { config, network } = props;
    const cfg = config.neptune;

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: network.vpc,
      description: 'Neptune: Gremlin (8182) from the functions only',
      allowAllOutbound: false,
    });
    this.securityGroup.connections.allowFrom(network.functionSecurityGroup, ec2.Port.tcp(8182), 'Gremlin from the functions');

    const subnetGroup = new neptune.CfnDBSubnetGroup(this, 'Subnets', {
      dbSubnetGroupDescription: `${config.stackName} graph subnets`,
      subnetIds: network.vpc.isolatedSubnets.map((s) => s.subnetId),
    });

    this.cluster = new neptune.CfnDBCluster(this, 'Cluster', {
      dbClusterIdentifier: config.resourcePrefix,
      iamAuthEnabled: true,
      storageEncrypted: true,
      deletionProtection: cfg.deletionProtection,
      backupRetentionPeriod: cfg.backupRetentionDays,
      copyTagsToSnapshot: true,
      dbSubnetGroupName: subnetGroup.ref,
      vpcSecurityGroupIds: [this.securityGroup.securityGroupId],
    });
    this.cluster.applyRemovalPolicy(config.keepDataOnDelete ? RemovalPolicy.SNAPSHOT : RemovalPolicy.DESTROY);

    const azs = network.vpc.availabilityZones;
    // Instances hold no data (the cluster volume does), so they always go with the stack.
    for (let i = 0; i <= cfg.readerCount; i++) {
      const instance = new neptune.CfnDBInstance(this, i === 0 ? 'Writer' : `Reader${i}`, {
        dbClusterIdentifier: this.cluster.ref,
        dbInstanceClass: cfg.instanceClass,
        autoMinorVersionUpgrade: true,
        // The writer in the first AZ, each reader in the next: a failover lands in another AZ.
        ...(cfg.readerCount > 0 ? { availabilityZone: azs[i % azs.length] } : {}),
      });
      this.instances.push(instance);
    }

    this.endpoint = this.cluster.attrEndpoint;
    this.port = this.cluster.attrPort;
    this.clusterResourceId = this.cluster.attrClusterResourceId;
    this.clusterIdentifier = this.cluster.ref;
  }
}
