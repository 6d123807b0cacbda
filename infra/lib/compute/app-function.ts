import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import type { ICommandHooks } from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { join } from 'node:path';
import type { DataContracts } from '../contracts.js';
import { retentionDays } from '../retention.js';
import { bundlingOptions, FUNCTION_RUNTIME, PROJECT_ROOT } from './bundling.js';

import { BUNDLE_METADATA_KEY, type BundleRole } from './bundles.js';

export { BUNDLE_METADATA_KEY, type BundleRole };

export interface AppFunctionProps {
  role: BundleRole;
  /** A fixed physical name, for a policy that must name the function before it exists (self-invocation). */
  functionName?: string;
  /** The handler's source file, relative to the repository root; it exports `handler`. */
  entry: string;
  description: string;
  memoryMb: number;
  timeoutSeconds: number;
  reservedConcurrency?: number;
  logRetentionDays: number;
  keepLogsOnDelete: boolean;
  /** From appEnvironment() plus the function's own variables. */
  environment: Record<string, string>;
  data: DataContracts;
  commandHooks?: ICommandHooks;
}

/**
 * One of the application's functions: the handler bundled by the local esbuild (ESM, minified,
 * arm64, Node.js 24), in the VPC's isolated subnets with the functions' security group, logging to
 * a KMS-encrypted log group of its own with an explicit retention.
 */
export class AppFunction extends Construct {
  readonly function: nodejs.NodejsFunction;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: AppFunctionProps) {
    super(scope, id);
    const { data } = props;

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: retentionDays(props.logRetentionDays),
      encryptionKey: data.keys.logsKey,
      removalPolicy: props.keepLogsOnDelete ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });

    this.function = new nodejs.NodejsFunction(this, 'Function', {
      entry: join(PROJECT_ROOT, props.entry),
      handler: 'handler',
      ...(props.functionName !== undefined && { functionName: props.functionName }),
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      runtime: FUNCTION_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      description: props.description,
      memorySize: props.memoryMb,
      timeout: Duration.seconds(props.timeoutSeconds),
      ...(props.reservedConcurrency !== undefined && { reservedConcurrentExecutions: props.reservedConcurrency }),
      environment: props.environment,
      bundling: bundlingOptions(props.commandHooks),
      vpc: data.network.vpc,
      vpcSubnets: data.network.functionSubnets,
      securityGroups: [data.network.functionSecurityGroup],
      logGroup: this.logGroup,
      // Lambda's structured JSON logs would wrap pino's JSON lines and the EMF lines in another
      // JSON object; EMF must stay a top-level line for CloudWatch to extract the metrics.
      loggingFormat: lambda.LoggingFormat.TEXT,
    });

    // Lets a harness find the exact bundle `cdk synth` produced: cdk.out/<assetPath>/index.mjs.
    const asset = this.function.node.tryFindChild('Code') as s3assets.Asset | undefined;
    if (asset) {
      const cfn = this.function.node.defaultChild as lambda.CfnFunction;
      cfn.addMetadata(BUNDLE_METADATA_KEY, { role: props.role, assetPath: asset.assetPath, handler: 'index.handler' });
    }
  }
}
