import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type DynamoDBStreamsClient,
  type GetRecordsCommandOutput,
  type _Record as StreamsRecord,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import type { AttributeValue, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { StreamHandler } from '../../lambda/stream-handler.js';
import type { ShardPosition, StreamCheckpoint, StreamCheckpointStore } from './dynamodb-stream-checkpoints.js';

const SHARD_LIST_TTL_MS = 10_000;

/** The slice of `DynamoDBStreamsClient` the poller uses. */
export type StreamsClientLike = Pick<DynamoDBStreamsClient, 'send'>;

export interface StreamPollerOptions {
  client: StreamsClientLike;
  streamArn: string;
  /** The consumer's name: its checkpoint's key (one event source mapping per Lambda function on AWS). */
  consumer: string;
  handler: StreamHandler;
  checkpoints: StreamCheckpointStore;
  /** Records per batch, as an event source mapping's BatchSize (Lambda's default for streams: 100). */
  batchSize?: number;
  region?: string;
}

/** What one pass over the stream did. */
export interface PollResult {
  delivered: number;
  /** Every shard that can be read now was read to its end (an empty GetRecords). */
  caughtUp: boolean;
  /** Approximate creation time (epoch ms) of the newest record delivered in this pass, if any. */
  newestAt: number | null;
}

/** A handler reported a record as failed (or threw); the poller will retry from that record. */
export class StreamBatchFailure extends Error {
  override readonly name = 'StreamBatchFailure';
}

/**
 * Reads a DynamoDB stream the way Lambda's event source mapping does, and calls the same handler
 * Lambda would: DescribeStream for the shards, parents before children, GetShardIterator after the
 * checkpointed sequence number (or from the trim horizon), GetRecords in batches, each turned into the
 * `DynamoDBStreamEvent` Lambda delivers. A batch's checkpoint moves only past what the handler
 * accepted; a reported `batchItemFailures` record and everything after it is read again on the next
 * pass, so no record is ever skipped.
 */
export class DynamoStreamPoller {
  private readonly options: Required<Omit<StreamPollerOptions, 'region'>> & { region: string };
  /** The stream's shards as last described, and when; a shard closes only every few hours. */
  private shardList: { shards: Shard[]; at: number } | null = null;
  /** Open iterators by shard, valid for the generation and position they were taken at (AWS: 15 minutes). */
  private readonly iterators = new Map<string, { iterator: string; generation: number; after: string | undefined }>();

  constructor(options: StreamPollerOptions) {
    this.options = { batchSize: 100, region: 'us-east-1', ...options };
  }

  get consumer(): string {
    return this.options.consumer;
  }

  /** Delivers what the stream holds past the checkpoint, shard by shard; throws StreamBatchFailure when a batch fails. */
  async poll(maxBatchesPerShard = 50): Promise<PollResult> {
    const { checkpoints, consumer } = this.options;
    let checkpoint = await checkpoints.get(consumer);
    const shards = await this.currentShards();
    const known = new Set(shards.map((s) => s.ShardId!));
    const result: PollResult = { delivered: 0, caughtUp: true, newestAt: null };
    for (const shard of shards) {
      const id = shard.ShardId!;
      if (checkpoint.shards[id]?.done) continue;
      const parent = shard.ParentShardId;
      // A child shard holds later changes of the same keys: read it only once its parent is finished.
      if (parent && known.has(parent) && !checkpoint.shards[parent]?.done) {
        result.caughtUp = false;
        continue;
      }
      checkpoint = await this.drainShard(id, checkpoint, known, result, maxBatchesPerShard);
    }
    return result;
  }

  private async drainShard(shardId: string, start: StreamCheckpoint, known: Set<string>, result: PollResult, maxBatches: number): Promise<StreamCheckpoint> {
    const { consumer, handler, batchSize } = this.options;
    let checkpoint = start;
    for (let batch = 0; batch < maxBatches; batch++) {
      const position = checkpoint.shards[shardId] ?? { done: false };
      const out = await this.getRecords(shardId, checkpoint.generation, position, batchSize);
      const records = out.Records ?? [];
      const next = out.NextShardIterator;
      if (records.length === 0) {
        if (next) {
          this.iterators.set(shardId, { iterator: next, generation: checkpoint.generation, after: position.after });
          return checkpoint;
        }
        // A closed shard read to its end: its children may start, and must be described.
        this.shardList = null;
        return this.save(checkpoint, shardId, { after: position.after, done: true }, 0, known);
      }
      const event = lambdaEventOf(records, this.options.streamArn, this.options.region);
      let failedAt: number;
      let cause = 'the handler reported it in batchItemFailures';
      try {
        const response = await handler(event);
        const failed = response?.batchItemFailures?.[0]?.itemIdentifier;
        failedAt = failed === undefined ? -1 : records.findIndex((r) => r.dynamodb?.SequenceNumber === failed);
        // An identifier that names no record of the batch fails the whole batch, as Lambda does.
        if (failed !== undefined && failedAt < 0) failedAt = 0;
      } catch (error) {
        failedAt = 0;
        cause = `the handler threw: ${error instanceof Error ? error.message : String(error)}`;
      }
      const accepted = failedAt < 0 ? records : records.slice(0, failedAt);
      if (accepted.length > 0) {
        const last = accepted.at(-1)!.dynamodb!.SequenceNumber!;
        const done = failedAt < 0 && !next;
        checkpoint = await this.save(checkpoint, shardId, { after: last, done }, accepted.length, known);
        result.delivered += accepted.length;
        result.newestAt = Math.max(result.newestAt ?? 0, accepted.at(-1)!.dynamodb!.ApproximateCreationDateTime?.getTime() ?? 0);
      }
      if (failedAt >= 0) {
        this.iterators.delete(shardId);
        result.caughtUp = false;
        throw new StreamBatchFailure(`${consumer}: record ${records[failedAt]!.dynamodb?.SequenceNumber} of shard ${shardId} failed (${cause}); it will be retried`);
      }
      if (!next) {
        this.shardList = null;
        return checkpoint;
      }
      this.iterators.set(shardId, { iterator: next, generation: checkpoint.generation, after: checkpoint.shards[shardId]?.after });
    }
    result.caughtUp = false;
    return checkpoint;
  }

  /** Saves a shard's new position, dropping shards the stream no longer lists (trimmed after 24 h). */
  private async save(checkpoint: StreamCheckpoint, shardId: string, position: ShardPosition, delivered: number, known: Set<string>): Promise<StreamCheckpoint> {
    const shards = Object.fromEntries(Object.entries(checkpoint.shards).filter(([id]) => known.has(id)));
    shards[shardId] = position;
    const applied = checkpoint.applied + delivered;
    const saved = await this.options.checkpoints.advance(this.options.consumer, checkpoint.generation, shards, applied);
    if (!saved) {
      // A rebuild or rewind moved the checkpoint: start again from the new one.
      this.iterators.clear();
      return this.options.checkpoints.get(this.options.consumer);
    }
    return { ...checkpoint, shards, applied, lastError: null, updatedAt: Date.now() };
  }

  /**
   * One GetRecords page at the checkpointed position. An iterator kept from an earlier page can go stale
   * (AWS: after 15 minutes; DynamoDB Local: a page read at the end of a shard while other tables wrote
   * answers TrimmedDataAccessException), so a kept iterator that fails is replaced once by a fresh one
   * taken at the checkpoint, which is where the kept one stood.
   */
  private async getRecords(shardId: string, generation: number, position: ShardPosition, limit: number): Promise<GetRecordsCommandOutput> {
    const kept = this.iterators.get(shardId);
    const iterator = await this.iteratorFor(shardId, generation, position);
    try {
      return await this.options.client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: limit }));
    } catch (error) {
      const stale = error instanceof Error && (error.name === 'ExpiredIteratorException' || error.name === 'TrimmedDataAccessException');
      if (!stale || kept?.iterator !== iterator) throw error;
      this.iterators.delete(shardId);
      const fresh = await this.iteratorFor(shardId, generation, position);
      return this.options.client.send(new GetRecordsCommand({ ShardIterator: fresh, Limit: limit }));
    }
  }

  private async iteratorFor(shardId: string, generation: number, position: ShardPosition): Promise<string> {
    const cached = this.iterators.get(shardId);
    if (cached && cached.generation === generation && cached.after === position.after) return cached.iterator;
    const out = await this.options.client.send(
      new GetShardIteratorCommand({
        StreamArn: this.options.streamArn,
        ShardId: shardId,
        ...(position.after ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: position.after } : { ShardIteratorType: 'TRIM_HORIZON' }),
      }),
    );
    if (!out.ShardIterator) throw new Error(`no iterator for shard ${shardId} of ${this.options.streamArn}`);
    return out.ShardIterator;
  }

  /**
   * The shard list, described again every 10 s or once a shard was read to its end (its children
   * appear then). Describing on every pass would cost each idle poller a DescribeStream 4 times a
   * second, which DynamoDB limits (10 per second per account) and DynamoDB Local serves slowly.
   */
  private async currentShards(): Promise<Shard[]> {
    const now = Date.now();
    if (!this.shardList || now - this.shardList.at > SHARD_LIST_TTL_MS) this.shardList = { shards: await this.describeShards(), at: now };
    return this.shardList.shards;
  }

  private async describeShards(): Promise<Shard[]> {
    const shards: Shard[] = [];
    let start: string | undefined;
    do {
      const out = await this.options.client.send(new DescribeStreamCommand({ StreamArn: this.options.streamArn, ExclusiveStartShardId: start }));
      const page = out.StreamDescription?.Shards ?? [];
      shards.push(...page);
      start = out.StreamDescription?.LastEvaluatedShardId;
    } while (start);
    return shards;
  }

  /** Forgets open iterators and the shard list (after an expired iterator or a stream error). */
  reset(): void {
    this.iterators.clear();
    this.shardList = null;
  }
}

/** The event Lambda's event source mapping builds from a GetRecords page. */
export function lambdaEventOf(records: readonly StreamsRecord[], streamArn: string, region: string): DynamoDBStreamEvent {
  return {
    Records: records.map(
      (r): DynamoDBRecord => ({
        eventID: r.eventID,
        eventName: r.eventName,
        eventVersion: r.eventVersion,
        eventSource: 'aws:dynamodb',
        awsRegion: r.awsRegion ?? region,
        eventSourceARN: streamArn,
        dynamodb: {
          // Lambda delivers seconds since the epoch where the SDK gives a Date.
          ApproximateCreationDateTime: r.dynamodb?.ApproximateCreationDateTime ? r.dynamodb.ApproximateCreationDateTime.getTime() / 1000 : undefined,
          Keys: r.dynamodb?.Keys as Record<string, AttributeValue> | undefined,
          NewImage: r.dynamodb?.NewImage as Record<string, AttributeValue> | undefined,
          OldImage: r.dynamodb?.OldImage as Record<string, AttributeValue> | undefined,
          SequenceNumber: r.dynamodb?.SequenceNumber,
          SizeBytes: r.dynamodb?.SizeBytes,
          StreamViewType: r.dynamodb?.StreamViewType,
        },
      }),
    ),
  };
}
