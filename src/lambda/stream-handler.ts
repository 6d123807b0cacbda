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
 */
export function createStreamHandler(projection: Projection, logger?: StreamHandlerLogger, metrics?: Metrics): StreamHandler {
  /** Delivery delay: from the change's commit (the record's creation time, to the second) to now. */
  const delivered = (changes: readonly Change[]) => {
    const now = Date.now();
    for (const change of changes) if (change.at > 0) metrics?.projectionDelivered(projection.name, now - change.at);
  };
  return async (event) => {
    const records = event.Records.map((record) => ({ record, change: changeOfStreamRecord(record) }));
    const changes = records.flatMap((r) => (r.change ? [r.change] : []));
    if (changes.length === 0) return { batchItemFailures: [] };
    try {
      await projection.apply(changes);
      delivered(changes);
      return { batchItemFailures: [] };
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
        metrics?.projectionFailed(projection.name);
        logger?.error({ projection: projection.name, sequenceNumber: sequenceOf(record), err: error }, 'stream record failed; reporting it for retry');
        return { batchItemFailures: [{ itemIdentifier: sequenceOf(record) }] };
      }
    }
    // The batch failed as a whole but every record passed alone (a transient error): all applied.
    return { batchItemFailures: [] };
  };
}

function sequenceOf(record: DynamoDBRecord): string {
  const sequence = record.dynamodb?.SequenceNumber;
  if (!sequence) throw new Error(`stream record ${record.eventID ?? '?'} has no sequence number`);
  return sequence;
}
