import { Duration, RemovalPolicy, Stack, ArnFormat } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** Lambda's default, stated: a chunk that failed is tried twice more before the chain is given up. */
export const REBUILD_RETRY_ATTEMPTS = 2;
/** A chunk event older than this is not run: the job record lets an operator start again. */
export const REBUILD_MAX_EVENT_AGE = Duration.hours(1);

export interface RebuildInvocationProps {
  function: lambda.IFunction;
  /** The function's fixed physical name: its ARN is built from it, so the policy need not reference the function. */
  functionName: string;
  /** Who starts rebuilds (the HTTP function): `lambda:InvokeFunction` on the rebuild function only. */
  starters: iam.IGrantable[];
  queueRetentionDays: number;
  keepQueueOnDelete: boolean;
}

/**
 * How the rebuild function is invoked: asynchronously, by the HTTP function (the admin API) or a
 * laptop (`bookstore rebuild`), then by itself once per chunk (src/lambda/rebuild-handler.ts, through
 * `context.invokedFunctionArn`). A chunk given up after the retries lands in an encrypted queue of
 * its own (not the stream's: those messages are stream batch pointers with their own replay), so a
 * chain that stopped is known; the job item in the table says where to resume.
 */
export class RebuildInvocation extends Construct {
  readonly failureQueue: sqs.Queue;
  /** `arn:<partition>:lambda:<region>:<account>:function:<name>`, unqualified (as the function invokes itself). */
  readonly functionArn: string;

  constructor(scope: Construct, id: string, props: RebuildInvocationProps) {
    super(scope, id);

    this.failureQueue = new sqs.Queue(this, 'FailureQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(props.queueRetentionDays),
      removalPolicy: props.keepQueueOnDelete ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });

    props.function.configureAsyncInvoke({
      retryAttempts: REBUILD_RETRY_ATTEMPTS,
      maxEventAge: REBUILD_MAX_EVENT_AGE,
      onFailure: new destinations.SqsDestination(this.failureQueue),
    });

    // From the name, not the function's Arn attribute: the function's role policy referencing the
    // function itself would be a dependency cycle.
    this.functionArn = Stack.of(this).formatArn({
      service: 'lambda',
      resource: 'function',
      resourceName: props.functionName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    props.function.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.functionArn] }),
    );
    for (const starter of props.starters) {
      starter.grantPrincipal.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [props.function.functionArn] }),
      );
    }
  }
}
