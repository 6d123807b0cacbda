import gremlin from 'gremlin';
import type { ShardPosition, StreamCheckpoint, StreamCheckpointStore } from '../dynamodb/dynamodb-stream-checkpoints.js';

const { t, cardinality, merge } = gremlin.process;

type Traversal = gremlin.GraphTraversal;

/** A compare-and-set that keeps losing to other writers gives up after this many reads. */
const MAX_ATTEMPTS = 50;
const LABEL = 'streamCheckpoint';

/**
 * Stream checkpoints of the graph projection, kept in the graph they describe, so the two are lost
 * together: a cluster that is wiped or replaced, or a namespace that is destroyed, has no checkpoint,
 * and the runner rebuilds the graph from the table instead of applying changes on top of an empty one.
 *
 * One vertex per consumer, `<namespace>:checkpoint:<consumer>`, inside the namespace's id prefix (so
 * `GremlinSocialGraph.destroy()` removes it with the rest) and without the `gen` property a rebuild
 * drops vertices by. Properties have `single` cardinality (Neptune's default, `set`, would keep every
 * value ever written); shard positions are a JSON string, the last error a JSON value (a property
 * cannot hold null). Every write is one bytecode traversal that changes the vertex only if its
 * `generation` is the one expected (for 0, creating the vertex when it is missing) and answers whether
 * it did; `reset` reads the generation and compare-and-sets the next one, again while it loses.
 * Neptune (and TinkerTransactionGraph on Gremlin Server here) runs each traversal as one transaction,
 * so of two processes writing the same checkpoint at once the later conflicts; the graph's connection
 * sends it again, and its condition is then checked against the winner's write.
 *
 * Moving from the `<table>-checkpoints` table: an existing deployment finds no checkpoint here, so its
 * first start rebuilds the graph once from the table.
 */
export class GremlinStreamCheckpoints implements StreamCheckpointStore {
  /**
   * `g` is the graph's traversal source (with its request deadline); `namespace` its id prefix.
   * `GremlinSocialGraph.streamCheckpoints()` makes one over the graph's own connection.
   */
  constructor(
    private readonly g: gremlin.GraphTraversalSource,
    private readonly namespace: string,
    private readonly now: () => number = Date.now,
  ) {}

  async get(consumer: string): Promise<StreamCheckpoint> {
    const [found] = await this.g
      .V(this.vertexId(consumer))
      .valueMap('generation', 'shards', 'applied', 'lastError', 'updatedAt')
      .toList();
    if (!(found instanceof Map)) return { generation: 0, shards: {}, applied: 0, lastError: null, updatedAt: 0 };
    const value = (key: string): unknown => (found.get(key) as unknown[] | undefined)?.[0];
    return {
      generation: Number(value('generation') ?? 0),
      shards: JSON.parse(String(value('shards') ?? '{}')) as Record<string, ShardPosition>,
      applied: Number(value('applied') ?? 0),
      lastError: JSON.parse(String(value('lastError') ?? 'null')) as string | null,
      updatedAt: Number(value('updatedAt') ?? 0),
    };
  }

  async advance(consumer: string, generation: number, shards: Record<string, ShardPosition>, applied: number): Promise<boolean> {
    return (await this.compareAndSet(consumer, generation, { generation, shards, applied, lastError: null })) !== null;
  }

  async reset(consumer: string, shards: Record<string, ShardPosition>): Promise<StreamCheckpoint> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const { generation } = await this.get(consumer);
      const written = await this.compareAndSet(consumer, generation, { generation: generation + 1, shards, applied: 0, lastError: null });
      if (written) return written;
    }
    throw new Error(`the stream checkpoint of ${consumer} in graph ${this.namespace} kept changing under ${MAX_ATTEMPTS} attempts to reset it`);
  }

  async recordError(consumer: string, error: string | null): Promise<void> {
    // Touches neither generation nor position, so it needs no condition; a missing checkpoint is created at generation 0.
    await this.upsert(consumer)
      .property(cardinality.single, 'lastError', JSON.stringify(error === null ? null : error.slice(0, 2000)))
      .property(cardinality.single, 'updatedAt', this.now())
      .iterate();
  }

  /** Writes `next` if the stored generation is `expected`, in one traversal; answers what it wrote, or null. */
  private async compareAndSet(consumer: string, expected: number, next: Omit<StreamCheckpoint, 'updatedAt'>): Promise<StreamCheckpoint | null> {
    const written: StreamCheckpoint = { ...next, updatedAt: this.now() };
    // Only generation 0 may find no vertex; for any other, a missing one means the expected generation is gone.
    const start = expected === 0 ? this.upsert(consumer) : this.g.V(this.vertexId(consumer));
    const [count] = await start
      .has('generation', expected)
      .property(cardinality.single, 'generation', written.generation)
      .property(cardinality.single, 'shards', JSON.stringify(written.shards))
      .property(cardinality.single, 'applied', written.applied)
      .property(cardinality.single, 'lastError', JSON.stringify(written.lastError))
      .property(cardinality.single, 'updatedAt', written.updatedAt)
      .count()
      .toList();
    return Number(count) === 1 ? written : null;
  }

  /** The consumer's vertex, created empty at generation 0 when missing. */
  private upsert(consumer: string): Traversal {
    return this.g
      .mergeV(new Map<unknown, unknown>([[t.id, this.vertexId(consumer)], [t.label, LABEL]]))
      .option(merge.onCreate, new Map<unknown, unknown>([['generation', 0], ['shards', '{}'], ['applied', 0], ['lastError', 'null'], ['updatedAt', 0]]));
  }

  private vertexId(consumer: string): string {
    return `${this.namespace}:checkpoint:${encodeURIComponent(consumer)}`;
  }
}
