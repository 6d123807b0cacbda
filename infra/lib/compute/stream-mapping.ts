import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { StreamConfig } from '../config.js';

/** How long DynamoDB Streams keeps a record (fixed by the service). */
export const STREAM_RETENTION_HOURS = 24;

export interface StreamMappingProps {
  /** The main table; its stream (NEW_AND_OLD_IMAGES) feeds the projections. */
  table: dynamodb.ITable;
  function: lambda.IFunction;
  config: StreamConfig;
  keepQueueOnDelete: boolean;
}

/**
 * The event source mapping from the main table's stream to the projections function.
 *
 * - `ReportBatchItemFailures`: the handler names the first record it could not apply and Lambda
 *   retries from that record on (src/lambda/stream-handlers.ts).
 * - Bisect on error, bounded retries and a bounded record age: a poison record cannot hold its shard
 *   for the stream's whole 24 hours. What is given up lands in the on-failure queue, so no change is
 *   ever skipped silently. The age limit is strictly under the retention: a record still failing at
 *   24 h would be trimmed first (no pointer in the queue), and the pointer must still be replayable.
 * - `TRIM_HORIZON`: a new mapping starts from the oldest record still in the stream.
 * - Ordering: the projections need the changes of one item in order. With a parallelization factor
 *   above 1 Lambda reads several batches of a shard at once but keeps the order of each item
 *   (partition and sort key); the projections are idempotent and version-checked per item, so the
 *   factor comes from the config (1 keeps the whole shard in order).
 *
 * Replaying the on-failure queue: each message is not the change itself but a pointer to the batch
 * (the shard id, the first and last sequence numbers and the stream ARN under `DDBStreamBatchInfo`).
 * Within the stream's 24 hours, read the records again with `aws dynamodbstreams get-shard-iterator
 * --shard-iterator-type AT_SEQUENCE_NUMBER` and `get-records`, and invoke the function with them as a
 * `DynamoDBStreamEvent` (`aws lambda invoke`); the projections absorb what they already applied.
 * Past 24 hours, or in doubt, rebuild the derived stores from the table (`bookstore rebuild`), which
 * is always correct. Then delete the message. The queue keeps messages for `dlqRetentionDays`.
 */
export class StreamMapping extends Construct {
  readonly failureQueue: sqs.Queue;
  readonly eventSource: sources.DynamoEventSource;

  constructor(scope: Construct, id: string, props: StreamMappingProps) {
    super(scope, id);
    const { config } = props;
    if (!(config.maxRecordAgeHours > 0 && config.maxRecordAgeHours < STREAM_RETENTION_HOURS)) {
      throw new Error(
        `stream.maxRecordAgeHours is ${config.maxRecordAgeHours}: it must be above 0 and under the stream's ${STREAM_RETENTION_HOURS}-hour retention, ` +
          'or a record that keeps failing is trimmed before Lambda gives it up and leaves no pointer in the on-failure queue',
      );
    }

    this.failureQueue = new sqs.Queue(this, 'FailureQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(config.dlqRetentionDays),
      removalPolicy: props.keepQueueOnDelete ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });

    this.eventSource = new sources.DynamoEventSource(props.table, {
      startingPosition: lambda.StartingPosition.TRIM_HORIZON,
      batchSize: config.batchSize,
      maxBatchingWindow: Duration.seconds(config.maxBatchingWindowSeconds),
      parallelizationFactor: config.parallelizationFactor,
      reportBatchItemFailures: true,
      bisectBatchOnError: true,
      retryAttempts: config.retryAttempts,
      maxRecordAge: Duration.hours(config.maxRecordAgeHours),
      onFailure: new sources.SqsDlq(this.failureQueue),
    });
    props.function.addEventSource(this.eventSource);
  }
}
