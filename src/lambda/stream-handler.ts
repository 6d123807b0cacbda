import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { changeOfStreamRecord } from '../adapters/dynamodb/dynamodb-stream-records.js';
import type { Change } from '../domain/change-event.js';
import type { Metrics } from '../ports/metrics.js';
import type { Projection } from '../projections/projection.js';

export type StreamHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>;

export interface StreamHandlerLogger {
  error(obj: object, msg: string): void;
}

/**
 * The handler a DynamoDB Streams event source calls with one batch of one shard, in order, with
 * `ReportBatchItemFailures` on. The whole batch is applied at once; if that fails, records are applied
 * one at a time from the first, and the first that fails is reported. Lambda (and the local poller)
 * then retries from that record on and keeps everything before it: nothing is skipped, and what is
 * retried is harmless because projections are idempotent. `metrics` counts each change applied, with
 * its delay since the commit, and each failed attempt to apply.
 *
 * A record that cannot be read (an image the item mappers reject) is a failure of that record, not of
 * the invocation: the records before it are applied and it is reported, so Lambda's bounded retries
 * and bisection isolate it and hand it to the on-failure queue instead of failing the whole batch.
 */
export function createStreamHandler(projection: Projection, logger?: StreamHandlerLogger, metrics?: Metrics): StreamHandler {
  /** Delivery delay: from the change's commit (the record's creation time, to the second) to now. */
  const delivered = (changes: readonly Change[]) => {
    const now = Date.now();
    for (const change of changes) if (change.at > 0) metrics?.projectionDelivered(projection.name, now - change.at);
  };
  const failure = (record: DynamoDBRecord, error: unknown, msg: string): DynamoDBBatchResponse => {
    metrics?.projectionFailed(projection.name);
    const itemIdentifier = sequenceOf(record);
    logger?.error({ projection: projection.name, sequenceNumber: itemIdentifier, eventID: record.eventID, err: error }, msg);
    return { batchItemFailures: [{ itemIdentifier }] };
  };
  return async (event) => {
    // Read in order up to the first record that cannot be read: what precedes it is applied, it is reported.
    const records: Array<{ record: DynamoDBRecord; change: Change | null }> = [];
    let unreadable: { record: DynamoDBRecord; error: unknown } | null = null;
    for (const record of event.Records) {
      try {
        records.push({ record, change: changeOfStreamRecord(record) });
      } catch (error) {
        unreadable = { record, error };
        break;
      }
    }
    const finish = (): DynamoDBBatchResponse =>
      unreadable ? failure(unreadable.record, unreadable.error, 'stream record could not be read; reporting it for retry') : { batchItemFailures: [] };
    const changes = records.flatMap((r) => (r.change ? [r.change] : []));
    if (changes.length === 0) return finish();
    try {
      await projection.apply(changes);
      delivered(changes);
      return finish();
    } catch (error) {
      metrics?.projectionFailed(projection.name);
      logger?.error({ projection: projection.name, records: records.length, err: error }, 'stream batch failed; applying record by record');
    }
    for (const { record, change } of records) {
      if (!change) continue;
      try {
        await projection.apply([change] satisfies Change[]);
        delivered([change]);
      } catch (error) {
        return failure(record, error, 'stream record failed; reporting it for retry');
      }
    }
    // The batch failed as a whole but every record passed alone (a transient error): all applied.
    return finish();
  };
}

/**
 * The record's sequence number, its identifier for Lambda. A record without one cannot be named: the
 * empty identifier makes Lambda count the whole batch as failed (retried, bisected, then queued).
 */
function sequenceOf(record: DynamoDBRecord): string {
  return record.dynamodb?.SequenceNumber ?? '';
}
