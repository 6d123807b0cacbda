import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { BookstoreConfig } from './config.js';
import type { KeysContract, NetworkContract } from './contracts.js';
import { retentionDays } from './retention.js';

export interface NetworkProps {
  config: BookstoreConfig;
}

/**
 * The VPC: private isolated subnets only (no internet gateway, no NAT), one per AZ, holding the data
 * stores and the functions. The functions reach DynamoDB and S3 through gateway endpoints (free) and
 * Cognito through one `cognito-idp` interface endpoint with private DNS, so the SDK's default
 * endpoint and the JWKS URL (`https://cognito-idp.<region>.amazonaws.com/<pool>/.well-known/jwks.json`)
 * resolve to it. No `lambda` endpoint: rebuilds are started and chained through the table's stream
 * (infra/lib/compute/rebuild-invocation.ts), never through the Lambda API. Nothing else leaves the
 * VPC: the data stores are inside it, and the SigV4 signatures
 * (OpenSearch, Neptune, ElastiCache IAM tokens) are computed locally from the role's credentials.
 */
export class Network extends Construct implements NetworkContract, KeysContract {
  readonly vpc: ec2.Vpc;
  readonly functionSubnets: ec2.SubnetSelection;
  readonly functionSecurityGroup: ec2.SecurityGroup;
  readonly logsKey: kms.Key;
  readonly cognitoEndpoint: ec2.InterfaceVpcEndpoint;
  readonly flowLogGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const { config } = props;
    const removalPolicy = config.keepDataOnDelete ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const stack = Stack.of(this);

    this.logsKey = new kms.Key(this, 'LogsKey', {
      description: `${config.stackName}: encrypts its CloudWatch Logs log groups`,
      enableKeyRotation: true,
      removalPolicy,
    });
    // CloudWatch Logs encrypts with the key on behalf of log groups of this account and region only.
    this.logsKey.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:*` },
        },
      }),
    );

    this.flowLogGroup = new logs.LogGroup(this, 'FlowLogs', {
      retention: retentionDays(config.network.flowLogRetentionDays),
      encryptionKey: this.logsKey,
      removalPolicy,
    });

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(config.network.cidr),
      maxAzs: config.network.azCount,
      natGateways: 0,
      subnetConfiguration: [{ name: 'private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 22 }],
      // Restricting the default group takes a custom-resource Lambda; nothing is ever put in it.
      restrictDefaultSecurityGroup: false,
      gatewayEndpoints: {
        DynamoDb: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB },
        S3: { service: ec2.GatewayVpcEndpointAwsService.S3 },
      },
      flowLogs: {
        all: { destination: ec2.FlowLogDestination.toCloudWatchLogs(this.flowLogGroup), trafficType: ec2.FlowLogTrafficType.ALL },
      },
    });

    this.functionSubnets = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };

    this.functionSecurityGroup = new ec2.SecurityGroup(this, 'FunctionsSecurityGroup', {
      vpc: this.vpc,
      description: 'Bookstore functions: egress only to the data stores, the endpoints and (HTTPS) the gateway endpoints',
      allowAllOutbound: false,
    });
    // DynamoDB and S3 answer on public addresses reached through the gateway endpoints; the prefix
    // lists that name them cannot be resolved without a lookup, and the subnets have no other route
    // out, so HTTPS to any address reaches exactly those two services (and in-VPC endpoints).
    this.functionSecurityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to the gateway and interface endpoints');

    const endpointSecurityGroup = new ec2.SecurityGroup(this, 'CognitoEndpointSecurityGroup', {
      vpc: this.vpc,
      description: 'cognito-idp interface endpoint: HTTPS from the functions only',
      allowAllOutbound: false,
    });
    endpointSecurityGroup.addIngressRule(this.functionSecurityGroup, ec2.Port.tcp(443), 'HTTPS from the functions');

    this.cognitoEndpoint = new ec2.InterfaceVpcEndpoint(this, 'CognitoIdpEndpoint', {
      vpc: this.vpc,
      service: ec2.InterfaceVpcEndpointAwsService.COGNITO_IDP,
      privateDnsEnabled: true,
      open: false,
      securityGroups: [endpointSecurityGroup],
      subnets: { subnets: this.vpc.isolatedSubnets.slice(0, config.network.cognitoEndpointAzCount) },
    });
  }

  /** The isolated subnets of the first `count` AZs (one each). */
  subnetsInAzs(count: number): ec2.ISubnet[] {
    return this.vpc.isolatedSubnets.slice(0, count);
  }
}
