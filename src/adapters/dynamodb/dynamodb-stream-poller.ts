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

/** One reader of the stream's records: in Lambda terms, one function with its event source mapping. */
export interface StreamConsumer {
  /** Its checkpoint's key. */
  name: string;
  handler: StreamHandler;
  checkpoints: StreamCheckpointStore;
}

export interface StreamPollerOptions {
  client: StreamsClientLike;
  streamArn: string;
  consumers: StreamConsumer[];
  /** Records per batch, as an event source mapping's BatchSize (Lambda's default for streams: 100). */
  batchSize?: number;
  region?: string;
}

/** What one pass over the stream did for one consumer. */
export interface ConsumerPass {
  delivered: number;
  /** Every shard that can be read now was read to its end (an empty GetRecords) for this consumer. */
  caughtUp: boolean;
  /** Approximate creation time (epoch ms) of the newest record delivered in this pass, if any. */
  newestAt: number | null;
  /** Why this consumer stopped early: its handler failed a record, or its checkpoint could not be read or saved. */
  error: Error | null;
}

/** A handler reported a record as failed (or threw); the poller will retry from that record. */
export class StreamBatchFailure extends Error {
  override readonly name = 'StreamBatchFailure';
}

interface Reader {
  consumer: StreamConsumer;
  checkpoint: StreamCheckpoint;
  pass: ConsumerPass;
  /** Done for this pass: it failed, or its checkpoint moved under it. */
  stopped: boolean;
}

/**
 * Reads a DynamoDB stream the way Lambda's event source mapping does, and calls the same handlers
 * Lambda would: DescribeStream for the shards, parents before children, GetShardIterator after the
 * checkpointed sequence number (or from the trim horizon), GetRecords in batches, each turned into the
 * `DynamoDBStreamEvent` Lambda delivers.
 *
 * Every consumer has its own checkpoint, but the stream is read once for all of them: DynamoDB
 * Streams serves at most two readers per shard, and each reader costs a GetRecords several times a
 * second. A page is read from the position of the consumer furthest behind, and each consumer is given
 * the records past its own checkpoint. A consumer's checkpoint moves only past what its handler
 * accepted; a reported `batchItemFailures` record and everything after it is given to that consumer
 * again on a later pass, so no record is ever skipped, while the other consumers go on.
 */
export class DynamoStreamPoller {
  private readonly options: Required<Omit<StreamPollerOptions, 'region'>> & { region: string };
  private readonly consumers = new Map<string, StreamConsumer>();
  /** The stream's shards as last described, and when; a shard closes only every few hours. */
  private shardList: { shards: Shard[]; at: number } | null = null;
  /** Open iterators by shard, valid for the position they were taken at (AWS: 15 minutes). */
  private readonly iterators = new Map<string, { iterator: string; after: string | undefined }>();

  constructor(options: StreamPollerOptions) {
    this.options = { batchSize: 100, region: 'us-east-1', ...options };
    for (const consumer of options.consumers) this.consumers.set(consumer.name, consumer);
  }

  get consumerNames(): string[] {
    return [...this.consumers.keys()];
  }

  /**
   * Delivers what the stream holds past each named consumer's checkpoint (all consumers by default),
   * shard by shard. `loaded` gives checkpoints the caller has just read. A consumer that fails stops for
   * this pass and says why in its result; an error reading the stream itself rejects the whole pass.
   */
  async poll(names: readonly string[] = this.consumerNames, loaded: ReadonlyMap<string, StreamCheckpoint> = new Map(), maxBatchesPerShard = 50): Promise<Map<string, ConsumerPass>> {
    const passes = new Map<string, ConsumerPass>();
    const readers: Reader[] = [];
    await Promise.all(
      names.map(async (name) => {
        const consumer = this.consumers.get(name);
        if (!consumer) throw new Error(`unknown stream consumer "${name}"; known: ${this.consumerNames.join(', ')}`);
        const pass: ConsumerPass = { delivered: 0, caughtUp: true, newestAt: null, error: null };
        passes.set(name, pass);
        try {
          readers.push({ consumer, checkpoint: loaded.get(name) ?? (await consumer.checkpoints.get(name)), pass, stopped: false });
        } catch (error) {
          pass.caughtUp = false;
          pass.error = asError(error);
        }
      }),
    );
    if (readers.length === 0) return passes;
    const shards = await this.currentShards();
    const known = new Set(shards.map((s) => s.ShardId!));
    for (const shard of shards) {
      const id = shard.ShardId!;
      const parent = shard.ParentShardId;
      const onShard = readers.filter((r) => {
        if (r.stopped || r.checkpoint.shards[id]?.done) return false;
        // A child shard holds later changes of the same keys: read it only once its parent is finished.
        if (parent && known.has(parent) && !r.checkpoint.shards[parent]?.done) {
          r.pass.caughtUp = false;
          return false;
        }
        return true;
      });
      if (onShard.length > 0) await this.drainShard(id, onShard, known, maxBatchesPerShard);
    }
    return passes;
  }

  private async drainShard(shardId: string, readers: Reader[], known: Set<string>, maxBatches: number): Promise<void> {
    let active = readers;
    for (let batch = 0; batch < maxBatches && active.length > 0; batch++) {
      const from = furthestBehind(active.map((r) => r.checkpoint.shards[shardId]?.after));
      const out = await this.getRecords(shardId, from, this.options.batchSize);
      const records = out.Records ?? [];
      const next = out.NextShardIterator;
      if (records.length === 0) {
        if (next) {
          this.iterators.set(shardId, { iterator: next, after: from });
          return;
        }
        // A closed shard read to its end: its children may start, and must be described.
        this.shardList = null;
        await Promise.all(
          active.map((r) => this.save(r, shardId, { after: r.checkpoint.shards[shardId]?.after, done: true }, [], known).catch((error: unknown) => stop(r, error))),
        );
        return;
      }
      await Promise.all(active.map((r) => this.deliver(r, shardId, records, !next, known)));
      active = active.filter((r) => !r.stopped);
      if (!next) {
        this.shardList = null;
        return;
      }
      this.iterators.set(shardId, { iterator: next, after: records.at(-1)!.dynamodb!.SequenceNumber });
    }
    for (const r of active) r.pass.caughtUp = false;
  }

  /** Gives one consumer the records of a page past its checkpoint, and moves its checkpoint past what it accepted. */
  private async deliver(reader: Reader, shardId: string, page: readonly StreamsRecord[], lastPage: boolean, known: Set<string>): Promise<void> {
    const { consumer } = reader;
    const after = reader.checkpoint.shards[shardId]?.after;
    const records = after === undefined ? page : page.filter((r) => compareSequence(r.dynamodb!.SequenceNumber!, after) > 0);
    if (records.length === 0) {
      // Ahead of the page (another consumer was behind): at the end of a closed shard, it is done too.
      if (lastPage) await this.save(reader, shardId, { after, done: true }, [], known).catch((error: unknown) => stop(reader, error));
      return;
    }
    let failedAt: number;
    let cause = 'the handler reported it in batchItemFailures';
    try {
      const response = await consumer.handler(lambdaEventOf(records, this.options.streamArn, this.options.region));
      const failed = response?.batchItemFailures?.[0]?.itemIdentifier;
      failedAt = failed === undefined ? -1 : records.findIndex((r) => r.dynamodb?.SequenceNumber === failed);
      // An identifier that names no record of the batch fails the whole batch, as Lambda does.
      if (failed !== undefined && failedAt < 0) failedAt = 0;
    } catch (error) {
      failedAt = 0;
      cause = `the handler threw: ${error instanceof Error ? error.message : String(error)}`;
    }
    const accepted = failedAt < 0 ? records : records.slice(0, failedAt);
    try {
      if (accepted.length > 0) {
        const last = accepted.at(-1)!.dynamodb!;
        await this.save(reader, shardId, { after: last.SequenceNumber, done: failedAt < 0 && lastPage }, accepted, known);
      }
    } catch (error) {
      stop(reader, error);
      return;
    }
    if (failedAt >= 0) {
      stop(reader, new StreamBatchFailure(`${consumer.name}: record ${records[failedAt]!.dynamodb?.SequenceNumber} of shard ${shardId} failed (${cause}); it will be retried`));
    }
  }

  /** Saves a shard's new position, dropping shards the stream no longer lists (trimmed after 24 h). */
  private async save(reader: Reader, shardId: string, position: ShardPosition, accepted: readonly StreamsRecord[], known: Set<string>): Promise<void> {
    const { consumer, checkpoint, pass } = reader;
    const shards = Object.fromEntries(Object.entries(checkpoint.shards).filter(([id]) => known.has(id)));
    shards[shardId] = position;
    const applied = checkpoint.applied + accepted.length;
    const saved = await consumer.checkpoints.advance(consumer.name, checkpoint.generation, shards, applied);
    if (!saved) {
      // A rebuild or rewind moved the checkpoint: go on from the new one, on a later pass.
      reader.checkpoint = await consumer.checkpoints.get(consumer.name);
      stop(reader, null);
      return;
    }
    reader.checkpoint = { ...checkpoint, shards, applied, lastError: null, updatedAt: Date.now() };
    pass.delivered += accepted.length;
    const newest = accepted.at(-1)?.dynamodb?.ApproximateCreationDateTime?.getTime();
    if (newest !== undefined) pass.newestAt = Math.max(pass.newestAt ?? 0, newest);
  }

  /**
   * One GetRecords page at the checkpointed position. An iterator kept from an earlier page can go stale
   * (AWS: after 15 minutes; DynamoDB Local: a page read at the end of a shard while other tables wrote
   * answers TrimmedDataAccessException), so a kept iterator that fails is replaced once by a fresh one
   * taken at the checkpoint, which is where the kept one stood.
   */
  private async getRecords(shardId: string, after: string | undefined, limit: number): Promise<GetRecordsCommandOutput> {
    const kept = this.iterators.get(shardId);
    const iterator = await this.iteratorFor(shardId, after);
    try {
      return await this.options.client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: limit }));
    } catch (error) {
      const stale = error instanceof Error && (error.name === 'ExpiredIteratorException' || error.name === 'TrimmedDataAccessException');
      if (!stale || kept?.iterator !== iterator) throw error;
      this.iterators.delete(shardId);
      const fresh = await this.iteratorFor(shardId, after);
      return this.options.client.send(new GetRecordsCommand({ ShardIterator: fresh, Limit: limit }));
    }
  }

  private async iteratorFor(shardId: string, after: string | undefined): Promise<string> {
    const cached = this.iterators.get(shardId);
    if (cached && cached.after === after) return cached.iterator;
    const out = await this.options.client.send(
      new GetShardIteratorCommand({
        StreamArn: this.options.streamArn,
        ShardId: shardId,
        ...(after ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after } : { ShardIteratorType: 'TRIM_HORIZON' }),
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

  /**
   * Whether the stream holds a record past `checkpoint` on a shard it has not finished, and when the
   * oldest such record found was written; read-only: nothing is delivered, no checkpoint moves, and the
   * iterators of the passes are left alone. For a process that does not run the projections (`bookstore
   * status`), which would otherwise know nothing of what waits. A few pages per shard at most: GetRecords
   * may answer an empty page before a record, so `behind: false` means none was found nearby.
   */
  async pending(checkpoint: StreamCheckpoint, pagesPerShard = 3): Promise<{ behind: boolean; oldestAt: number | null }> {
    let behind = false;
    let oldestAt: number | null = null;
    for (const shard of await this.currentShards()) {
      const id = shard.ShardId!;
      const position = checkpoint.shards[id];
      if (position?.done) continue;
      const after = position?.after;
      let iterator = (
        await this.options.client.send(
          new GetShardIteratorCommand({
            StreamArn: this.options.streamArn,
            ShardId: id,
            ...(after ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after } : { ShardIteratorType: 'TRIM_HORIZON' }),
          }),
        )
      ).ShardIterator;
      for (let page = 0; page < pagesPerShard && iterator; page++) {
        const out = await this.options.client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1 }));
        const first = out.Records?.[0];
        if (first) {
          behind = true;
          const at = first.dynamodb?.ApproximateCreationDateTime?.getTime();
          if (at !== undefined) oldestAt = Math.min(oldestAt ?? at, at);
          break;
        }
        iterator = out.NextShardIterator;
      }
    }
    return { behind, oldestAt };
  }

  /** Forgets open iterators and the shard list (after an expired iterator or a stream error). */
  reset(): void {
    this.iterators.clear();
    this.shardList = null;
  }
}

/** Ends a reader's pass; `error` says why (null: its checkpoint moved under it, which is no failure). */
function stop(reader: Reader, error: unknown): void {
  reader.stopped = true;
  reader.pass.caughtUp = false;
  if (error !== null) reader.pass.error = asError(error);
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** Sequence numbers are decimal strings of growing value within a shard, not of fixed length. */
export function compareSequence(a: string, b: string): number {
  return a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0;
}

/** The position to read a shard from so that every reader gets what it has not seen: undefined is the trim horizon. */
function furthestBehind(positions: ReadonlyArray<string | undefined>): string | undefined {
  let from: string | undefined = positions[0];
  for (const p of positions) {
    if (p === undefined) return undefined;
    if (from === undefined || compareSequence(p, from) < 0) from = p;
  }
  return from;
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
