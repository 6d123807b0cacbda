import { Lazy, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as opensearch from 'aws-cdk-lib/aws-opensearchservice';
import { Construct } from 'constructs';
import type { BookstoreConfig } from '../config.js';
import type { SearchContract } from '../contracts.js';
import type { Network } from '../network.js';

export interface SearchProps {
  config: BookstoreConfig;
  network: Network;
}

/**
 * The OpenSearch domain behind the search port, inside the VPC. Encrypted at rest and between nodes,
 * HTTPS only with TLS 1.2 or later, and a resource policy that names the functions' roles and no one
 * else (requests are SigV4-signed by the adapter). dev: one t3.small node in one AZ (T3 supports
 * encryption at rest; T2 does not). prod: three master-eligible data nodes over three AZs with zone
 * awareness, so one AZ can go without losing the quorum or a shard (one replica per shard).
 */
export class Search extends Construct implements SearchContract {
  readonly domain: opensearch.Domain;
  readonly indexReplicas: number;
  readonly securityGroup: ec2.SecurityGroup;
  private readonly principals: iam.IPrincipal[] = [];

  constructor(scope: Construct, id: string, props: SearchProps) {
    super(scope, id);
    const { config, network } = props;
    const cfg = config.opensearch;
    this.indexReplicas = cfg.indexReplicas;

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: network.vpc,
      description: 'OpenSearch: HTTPS from the functions only',
      allowAllOutbound: false,
    });
    this.securityGroup.connections.allowFrom(network.functionSecurityGroup, ec2.Port.tcp(443), 'HTTPS from the functions');

    const zoneAware = cfg.availabilityZoneCount > 1;
    this.domain = new opensearch.Domain(this, 'Domain', {
      domainName: config.resourcePrefix,
      version: opensearch.EngineVersion.openSearch(cfg.engineVersion.replace(/^OpenSearch_/, '')),
      vpc: network.vpc,
      vpcSubnets: [{ subnets: network.subnetsInAzs(cfg.availabilityZoneCount) }],
      securityGroups: [this.securityGroup],
      capacity: {
        dataNodes: cfg.dataNodeCount,
        dataNodeInstanceType: cfg.dataNodeInstanceType,
        ...(cfg.dedicatedMasterCount > 0 ? { masterNodes: cfg.dedicatedMasterCount, masterNodeInstanceType: cfg.dedicatedMasterInstanceType } : {}),
        multiAzWithStandbyEnabled: false,
      },
      ebs: { enabled: true, volumeSize: cfg.volumeGiB, volumeType: ec2.EbsDeviceVolumeType.GP3 },
      zoneAwareness: zoneAware ? { enabled: true, availabilityZoneCount: cfg.availabilityZoneCount } : { enabled: false },
      encryptionAtRest: { enabled: true },
      nodeToNodeEncryption: true,
      enforceHttps: true,
      tlsSecurityPolicy: opensearch.TLSSecurityPolicy.TLS_1_2,
      removalPolicy: config.keepDataOnDelete ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });

    const acknowledge = (id: string, reason: string) => Validations.of(this.domain).acknowledge({ id, reason });
    acknowledge('AwsSolutions-OS3', 'In private subnets with no route in; access is by IAM role (SigV4), not by IP address.');
    if (cfg.dedicatedMasterCount === 0) {
      acknowledge('AwsSolutions-OS4', 'No dedicated masters: the data nodes are master-eligible (3 in prod over 3 AZs keep a quorum); 3 masters would add about $300/month.');
    }
    if (!zoneAware) acknowledge('AwsSolutions-OS7', 'dev runs one data node in one AZ to stay cheap; prod is zone aware over 3 AZs.');
    for (const log of ['SEARCH_SLOW_LOGS', 'INDEX_SLOW_LOGS']) {
      acknowledge(`AwsSolutions-OS9[LogExport::${log}]`, 'Slow logs stay off until someone tunes queries: they need per-index thresholds and a log resource policy to be useful.');
    }

    // Set on the L1 resource rather than through `accessPolicies`, which would add a custom-resource
    // Lambda to apply it. The roles do not depend on the domain (only their policies do), so no cycle.
    const stack = Stack.of(this);
    const cfn = this.domain.node.defaultChild as opensearch.CfnDomain;
    cfn.accessPolicies = Lazy.any({
      produce: () => {
        if (this.principals.length === 0) return undefined;
        return new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              principals: this.principals,
              actions: ['es:ESHttpGet', 'es:ESHttpHead', 'es:ESHttpPost', 'es:ESHttpPut', 'es:ESHttpDelete', 'es:ESHttpPatch'],
              resources: [`arn:${stack.partition}:es:${stack.region}:${stack.account}:domain/${config.resourcePrefix}/*`],
            }),
          ],
        }).toJSON();
      },
    });
  }

  allowPrincipal(principal: iam.IPrincipal): void {
    if (!this.principals.includes(principal)) this.principals.push(principal);
  }
}
