import type { ShardPosition, StreamCheckpoint, StreamCheckpointStore } from '../dynamodb/dynamodb-stream-checkpoints.js';

type Json = Record<string, unknown>;

/**
 * The slice of `@opensearch-project/opensearch`'s `Client` the checkpoints use. Errors are expected as
 * the client throws them: non-2xx answers reject.
 */
export interface OpenSearchCheckpointClient {
  get(params: { index: string; id: string }): Promise<{ body: unknown }>;
  index(params: { index: string; id: string; body: Json; op_type?: 'create' | 'index'; if_seq_no?: number; if_primary_term?: number }): Promise<unknown>;
  indices: {
    create(params: { index: string; body?: Json }): Promise<unknown>;
  };
}

export interface OpenSearchStreamCheckpointsOptions {
  client: OpenSearchCheckpointClient;
  /** The search index's alias; the checkpoints live in `<alias>-checkpoints`. */
  alias: string;
  /** Replicas of the checkpoint index. Default 1; 0 on a single-node cluster keeps it green. */
  replicas?: number;
  now?: () => number;
}

/**
 * The checkpoint index of a search alias. Outside the template's `<alias>-gen-*`, so it gets none of
 * the search mappings, and a rebuild, which deletes only the generations the alias pointed to, leaves it.
 */
export function checkpointIndexName(alias: string): string {
  return `${alias}-checkpoints`;
}

/** A compare-and-set that keeps losing to other writers gives up after this many reads. */
const MAX_ATTEMPTS = 50;

/** What is stored per consumer: shards as a JSON string, so even an index created without our mapping gets no field per shard. */
interface StoredCheckpoint {
  generation: number;
  shards: string;
  applied: number;
  lastError: string | null;
  updatedAt: number;
}

/** A checkpoint as read, with what an optimistic write must name to replace it (absent: there is none). */
interface Read {
  checkpoint: StreamCheckpoint;
  version?: { if_seq_no: number; if_primary_term: number };
}

function statusOf(error: unknown): number | undefined {
  return (error as { meta?: { statusCode?: number } } | null)?.meta?.statusCode;
}

function isMissingIndex(error: unknown): boolean {
  const body = (error as { meta?: { body?: { error?: { type?: string } } } } | null)?.meta?.body;
  return statusOf(error) === 404 && body?.error?.type === 'index_not_found_exception';
}

function isAlreadyThere(error: unknown): boolean {
  return statusOf(error) === 400 && String((error as { message?: unknown }).message).includes('resource_already_exists');
}

/**
 * Stream checkpoints of the search projection, kept in OpenSearch beside the index they describe, so
 * the two are lost together: a domain that is wiped or replaced has no checkpoint, and the runner
 * rebuilds the index from the table instead of applying changes on top of an empty one. One document
 * per consumer in `<alias>-checkpoints`; reads are GETs by id, which are realtime, so no refresh is
 * needed. `advance` and `reset` are compare-and-sets on the generation: a GET, then a write
 * conditioned on the document's `_seq_no` and `_primary_term` (or `op_type=create` when there is
 * none), read again on a conflict while the generation still matches.
 *
 * Moving from the `<table>-checkpoints` table: an existing deployment finds no checkpoint here, so its
 * first start rebuilds the search index once from the table.
 */
export class OpenSearchStreamCheckpoints implements StreamCheckpointStore {
  private readonly client: OpenSearchCheckpointClient;
  private readonly index: string;
  private readonly replicas: number;
  private readonly now: () => number;
  private ready: Promise<void> | null = null;

  constructor(options: OpenSearchStreamCheckpointsOptions) {
    this.client = options.client;
    this.index = checkpointIndexName(options.alias);
    this.replicas = options.replicas ?? 1;
    this.now = options.now ?? Date.now;
  }

  async get(consumer: string): Promise<StreamCheckpoint> {
    return (await this.read(consumer)).checkpoint;
  }

  async advance(consumer: string, generation: number, shards: Record<string, ShardPosition>, applied: number): Promise<boolean> {
    const written = await this.update(consumer, (current) => (current.generation === generation ? { generation, shards, applied, lastError: null } : null));
    return written !== null;
  }

  async reset(consumer: string, shards: Record<string, ShardPosition>): Promise<StreamCheckpoint> {
    return (await this.update(consumer, (current) => ({ generation: current.generation + 1, shards, applied: 0, lastError: null })))!;
  }

  async recordError(consumer: string, error: string | null): Promise<void> {
    await this.update(consumer, (current) => ({ ...current, lastError: error === null ? null : error.slice(0, 2000) }));
  }

  /**
   * Reads the checkpoint and writes what `next` makes of it, unless another writer replaced it in
   * between: then reads again and asks `next` again. Answers what it wrote, or null when `next`
   * declined (answered null).
   */
  private async update(consumer: string, next: (current: StreamCheckpoint) => Omit<StreamCheckpoint, 'updatedAt'> | null): Promise<StreamCheckpoint | null> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const { checkpoint, version } = await this.read(consumer);
      const wanted = next(checkpoint);
      if (wanted === null) return null;
      const written: StreamCheckpoint = { ...wanted, updatedAt: this.now() };
      const stored: StoredCheckpoint = { ...written, shards: JSON.stringify(written.shards) };
      await this.ensureIndex();
      try {
        await this.client.index({ index: this.index, id: consumer, body: { ...stored }, ...(version ?? { op_type: 'create' as const }) });
        return written;
      } catch (error) {
        // 409: another writer got there first; what it wrote decides whether this write still applies.
        if (statusOf(error) !== 409) throw error;
      }
    }
    throw new Error(`the stream checkpoint of ${consumer} in ${this.index} kept changing under ${MAX_ATTEMPTS} attempts to update it`);
  }

  private async read(consumer: string): Promise<Read> {
    let body: { _source?: StoredCheckpoint; _seq_no?: number; _primary_term?: number };
    try {
      body = (await this.client.get({ index: this.index, id: consumer })).body as typeof body;
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
      // The index itself is gone (the domain was wiped): the next write creates it again, with its mapping.
      if (isMissingIndex(error)) this.ready = null;
      return { checkpoint: { generation: 0, shards: {}, applied: 0, lastError: null, updatedAt: 0 } };
    }
    const source = body._source!;
    return {
      checkpoint: {
        generation: source.generation,
        shards: JSON.parse(source.shards) as Record<string, ShardPosition>,
        applied: source.applied,
        lastError: source.lastError ?? null,
        updatedAt: source.updatedAt,
      },
      version: { if_seq_no: body._seq_no!, if_primary_term: body._primary_term! },
    };
  }

  /** Creates the checkpoint index once per instance (again after a failure, or once it was found gone). */
  private ensureIndex(): Promise<void> {
    this.ready ??= this.createIndex().catch((e: unknown) => {
      this.ready = null;
      throw e;
    });
    return this.ready;
  }

  private async createIndex(): Promise<void> {
    try {
      await this.client.indices.create({
        index: this.index,
        body: {
          settings: { number_of_shards: 1, number_of_replicas: this.replicas },
          // Documents are only ever read by id: nothing in them is indexed.
          mappings: { enabled: false },
        },
      });
    } catch (e) {
      if (!isAlreadyThere(e)) throw e;
    }
  }
}
