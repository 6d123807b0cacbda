import { CfnOutput, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ORIGIN_SECRET_VARIABLE } from '../../../src/lambda/origin-headers.js';
import type { BookstoreConfig } from '../config.js';
import { appEnvironment, grantHttpFunction, grantRebuildFunction, grantStreamFunction, type DataContracts } from '../contracts.js';
import { AppFunction } from './app-function.js';
import { copySwaggerUiFiles } from './bundling.js';
import { HttpApi } from './http-api.js';
import { Storefront } from './storefront.js';
import { acknowledgeWildcards } from './nag-wildcards.js';
import { RebuildInvocation } from './rebuild-invocation.js';
import { StreamMapping } from './stream-mapping.js';

export interface ComputeProps {
  config: BookstoreConfig;
  data: DataContracts;
  /** `npm run build:web`'s output; defaults to dist/web of the repository. */
  webBuildDir?: string;
}

/**
 * What metrics need besides the app's own variables: the Lambda metrics adapter emits EMF under
 * this namespace, with the service as a dimension.
 */
export const METRICS_ENVIRONMENT = {
  POWERTOOLS_METRICS_NAMESPACE: 'Bookstore',
  POWERTOOLS_SERVICE_NAME: 'bookstore',
} as const;

/**
 * The running store: the HTTP function behind API Gateway, the projections function on the table's
 * stream, the rebuild function (on the same stream, filtered to rebuild jobs wanting a worker: started
 * by the HTTP function or a laptop writing a job, chained chunk by chunk by its own hand-overs),
 * and the storefront on S3 + CloudFront in front of both. Shaped for monitoring
 * (`MonitoredCompute`: httpApi, apiFunction, streamFunction, streamFailureQueue).
 */
export class Compute extends Construct {
  readonly http: AppFunction;
  readonly stream: AppFunction;
  readonly streamMapping: StreamMapping;
  readonly rebuild: AppFunction;
  readonly rebuildInvocation: RebuildInvocation;
  readonly api: HttpApi;
  readonly storefront: Storefront;
  readonly originVerifySecret: secretsmanager.Secret;

  readonly httpApi: apigwv2.IHttpApi;
  readonly apiFunction: lambda.IFunction;
  readonly streamFunction: lambda.IFunction;
  readonly streamFailureQueue: sqs.IQueue;
  readonly rebuildFunction: lambda.IFunction;
  readonly rebuildFailureQueue: sqs.IQueue;

  constructor(scope: Construct, id: string, props: ComputeProps) {
    super(scope, id);
    const { config, data } = props;
    const environment = { ...appEnvironment(data, config), ...METRICS_ENVIRONMENT };
    const shared = { data, environment, logRetentionDays: config.lambda.logRetentionDays, keepLogsOnDelete: config.keepDataOnDelete };

    this.http = new AppFunction(this, 'HttpFunction', {
      ...shared,
      role: 'http',
      entry: 'src/lambda/http-handler.ts',
      description: 'Bookstore API: the Fastify app behind API Gateway (engines profile)',
      memoryMb: config.lambda.httpMemoryMb,
      timeoutSeconds: config.lambda.httpTimeoutSeconds,
      ...(config.lambda.httpReservedConcurrency !== undefined && { reservedConcurrency: config.lambda.httpReservedConcurrency }),
      commandHooks: copySwaggerUiFiles,
    });
    grantHttpFunction(data, this.http.function);

    this.stream = new AppFunction(this, 'StreamFunction', {
      ...shared,
      role: 'stream',
      entry: 'src/lambda/stream-handlers.ts',
      description: 'Bookstore projections: applies the table stream to search, bestsellers, graph and the book cache',
      memoryMb: config.lambda.streamMemoryMb,
      timeoutSeconds: config.lambda.streamTimeoutSeconds,
    });
    grantStreamFunction(data, this.stream.function);

    this.streamMapping = new StreamMapping(this, 'StreamMapping', {
      table: data.tables.table,
      function: this.stream.function,
      config: config.stream,
      keepQueueOnDelete: config.keepDataOnDelete,
    });

    const rebuildFunctionName = `${config.stackName}-rebuild`;
    this.rebuild = new AppFunction(this, 'RebuildFunction', {
      ...shared,
      environment: {
        ...environment,
        ...(config.lambda.rebuildChunkSize !== undefined && { BOOKSTORE_REBUILD_CHUNK_SIZE: String(config.lambda.rebuildChunkSize) }),
      },
      role: 'rebuild',
      functionName: rebuildFunctionName,
      entry: 'src/lambda/rebuild-handler.ts',
      description: 'Bookstore rebuilds: refills a derived store from the table, one chunk per invocation',
      memoryMb: config.lambda.rebuildMemoryMb,
      timeoutSeconds: config.lambda.rebuildTimeoutSeconds,
    });
    grantRebuildFunction(data, this.rebuild.function);
    this.rebuildInvocation = new RebuildInvocation(this, 'RebuildInvocation', {
      table: data.tables.table,
      function: this.rebuild.function,
      queueRetentionDays: config.stream.dlqRetentionDays,
      keepQueueOnDelete: config.keepDataOnDelete,
    });
    // Without it the API would run a rebuild inside the HTTP function, which cannot finish on Lambda;
    // with it the API records the job, and the table's stream starts this function on it.
    this.http.function.addEnvironment('BOOKSTORE_REBUILD_FUNCTION', this.rebuild.function.functionName);

    this.api = new HttpApi(this, 'HttpApi', {
      function: this.http.function,
      config: config.api,
      logsKey: data.keys.logsKey,
      keepLogsOnDelete: config.keepDataOnDelete,
    });

    this.originVerifySecret = originVerifySecret(this);
    // As a dynamic reference, resolved by CloudFormation: the function reads it from its environment
    // (there is no Secrets Manager endpoint in the VPC, as for the cache, which uses IAM auth).
    this.http.function.addEnvironment(ORIGIN_SECRET_VARIABLE, this.originVerifySecret.secretValue.unsafeUnwrap());

    this.storefront = new Storefront(this, 'Storefront', {
      config: config.web,
      apiDomainName: this.api.domainName,
      originVerifySecret: this.originVerifySecret,
      logsKey: data.keys.logsKey,
      logRetentionDays: config.lambda.logRetentionDays,
      keepLogsOnDelete: config.keepDataOnDelete,
      ...(props.webBuildDir !== undefined && { webBuildDir: props.webBuildDir }),
    });

    // robots.txt and sitemap.xml give absolute addresses: the ones shoppers use, not API Gateway's
    // (CloudFront does not pass the viewer's Host on to the API).
    const publicHost = config.web.customDomain?.domainNames[0] ?? this.storefront.distribution.distributionDomainName;
    this.http.function.addEnvironment('BOOKSTORE_PUBLIC_URL', `https://${publicHost}`);

    this.httpApi = this.api.api;
    this.apiFunction = this.http.function;
    this.streamFunction = this.stream.function;
    this.streamFailureQueue = this.streamMapping.failureQueue;
    this.rebuildFunction = this.rebuild.function;
    this.rebuildFailureQueue = this.rebuildInvocation.failureQueue;

    new CfnOutput(this, 'StorefrontUrl', {
      description: 'The storefront and its API (/api/v1, /docs)',
      value: `https://${config.web.customDomain?.domainNames[0] ?? this.storefront.distribution.distributionDomainName}`,
    });
    new CfnOutput(this, 'StreamFailureQueueUrl', {
      description: 'Stream batches the projections gave up on (see infra/lib/compute/stream-mapping.ts to replay)',
      value: this.streamMapping.failureQueue.queueUrl,
    });
    new CfnOutput(this, 'RebuildFunctionName', {
      description: 'The rebuild function, which the table stream starts on rebuild jobs (its logs show each chunk)',
      value: this.rebuild.function.functionName,
    });

    this.acknowledgeFunctionFindings();
  }

  private acknowledgeFunctionFindings(): void {
    for (const fn of [this.http.function, this.stream.function, this.rebuild.function]) {
      Validations.of(fn).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
        reason: 'The managed policy Lambda needs to attach network interfaces in the VPC; it names no data resource.',
      });
      Validations.of(fn).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: 'The managed policy that lets the function write its own log group.',
      });
      acknowledgeWildcards(fn.role!, functionWildcardReason);
    }
    Validations.of(this.streamMapping.failureQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter destination of the stream mapping; nothing consumes it automatically.',
    });
    Validations.of(this.rebuildInvocation.failureQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: "This queue is itself the rebuild function's on-failure destination; nothing consumes it automatically.",
    });
    // BucketDeployment's function is a singleton of the stack, not a child of this construct.
    const stack = Stack.of(this);
    for (const child of stack.node.children.filter((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'))) {
      const handler = child as lambda.Function;
      Validations.of(handler).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: "CDK's BucketDeployment function: the basic execution role only writes its own log group.",
      });
      Validations.of(handler).acknowledge({
        id: 'AwsSolutions-L1',
        reason: "CDK's BucketDeployment function: aws-cdk-lib picks its Python runtime and moves it forward.",
      });
      if (handler.role) {
        acknowledgeWildcards(handler.role, () => "CDK's BucketDeployment: copies from the CDK assets bucket to the storefront bucket; wildcards in those two only.");
      }
    }
  }
}

/**
 * The secret shared by CloudFront and the HTTP function, generated by Secrets Manager when the stack
 * is created (64 letters and digits: a header value needs no escaping). It guards nothing stored,
 * so it goes with the stack. docs/aws.md says who can read it and how to change it.
 */
function originVerifySecret(scope: Construct): secretsmanager.Secret {
  const secret = new secretsmanager.Secret(scope, 'OriginVerifySecret', {
    description: 'Bookstore: the X-Origin-Verify value CloudFront sends to the API; the HTTP function refuses requests without it',
    generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
    removalPolicy: RemovalPolicy.DESTROY,
  });
  Validations.of(secret).acknowledge({
    id: 'AwsSolutions-SMG4',
    reason: 'CloudFormation writes the value into CloudFront and the function at deploy time; a rotation Lambda would leave both stale (docs/aws.md: how to change it).',
  });
  return secret;
}

/** Why each wildcard of the functions' roles is there (the grants of contracts.ts and the stream). */
function functionWildcardReason(finding: string): string | undefined {
  if (finding === 'Resource::*') return 'dynamodb:ListStreams, which the stream mapping needs, is defined on * only.';
  if (finding.endsWith('/index/*')) return "The main table's own indexes (queries by type, email, ISBN), below its ARN.";
  if (finding.includes(':neptune-db:')) return "Neptune data actions on the stack's one cluster (cluster-id/*), as IAM DB auth names them.";
  if (finding.startsWith('Resource::<Search')) return "HTTP paths (indices) of the stack's one OpenSearch domain, below its ARN.";
  return undefined;
}
