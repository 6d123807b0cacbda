import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { REBUILD_TRIGGER_PATTERN } from '../../../src/lambda/rebuild-trigger.js';

/** A chunk whose invocation failed is tried twice more (from the same job record) before the chain is given up. */
export const REBUILD_RETRY_ATTEMPTS = 2;
/**
 * A job record older than this is not run. Records wait behind the invocation before them in their
 * shard (up to the function's 15 minutes each), so this leaves room for a few; the job item lets an
 * operator start again.
 */
export const REBUILD_MAX_RECORD_AGE = Duration.hours(6);

export interface RebuildInvocationProps {
  /** The main table: rebuild jobs are items in it, and its stream carries their saves. */
  table: dynamodb.ITable;
  function: lambda.IFunction;
  queueRetentionDays: number;
  keepQueueOnDelete: boolean;
}

/**
 * How the rebuild function is invoked: by a second event source mapping on the table's stream, whose
 * filter (src/lambda/rebuild-trigger.ts) passes only a rebuild job item saved as wanting a worker. The
 * HTTP function (the admin API) and a laptop (`bookstore rebuild`) start a rebuild by writing the job,
 * and the function chains its chunks by saving the job as handed over; nobody calls the Lambda API,
 * so the VPC needs no `lambda` interface endpoint and no role holds `lambda:InvokeFunction`.
 *
 * - Batches of one record: one job per invocation, which may run for the function's whole timeout.
 * - `LATEST`: a new mapping starts with the next job, not with old job saves still in the stream.
 * - Bounded retries and record age (no bisecting: a batch is one record); a record given up lands in an encrypted queue of
 *   its own (not the stream function's: those are batches of store changes with their own replay), so
 *   a chain that stopped is known. Its messages point at the stream record; the job item says where
 *   to resume: run `bookstore rebuild NAME` again.
 */
export class RebuildInvocation extends Construct {
  readonly failureQueue: sqs.Queue;
  readonly eventSource: sources.DynamoEventSource;

  constructor(scope: Construct, id: string, props: RebuildInvocationProps) {
    super(scope, id);

    this.failureQueue = new sqs.Queue(this, 'FailureQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(props.queueRetentionDays),
      removalPolicy: props.keepQueueOnDelete ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });

    this.eventSource = new sources.DynamoEventSource(props.table, {
      startingPosition: lambda.StartingPosition.LATEST,
      batchSize: 1,
      retryAttempts: REBUILD_RETRY_ATTEMPTS,
      maxRecordAge: REBUILD_MAX_RECORD_AGE,
      onFailure: new sources.SqsDlq(this.failureQueue),
      filters: [lambda.FilterCriteria.filter(REBUILD_TRIGGER_PATTERN)],
    });
    props.function.addEventSource(this.eventSource);
  }
}
