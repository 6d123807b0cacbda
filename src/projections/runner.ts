import type { ChangeEvent } from '../domain/change-event.js';
import type { ChangeFeed, Snapshot, Snapshots } from '../ports/change-feed.js';
import { SerialWork } from './serial-work.js';
import type { CheckpointStore } from '../ports/checkpoint-store.js';
import type { Metrics } from '../ports/metrics.js';
import type { Projection, ProjectionName } from './projection.js';
import { DeliveryDelayWindow } from './delivery-delays.js';
import type { ProjectionStatus as PortProjectionStatus, RebuildStarted } from '../ports/projection-control.js';
import type { ProjectionRunner, RebuildObserver } from './projection-runner.js';

export interface Consumer {
  projection: Projection;
  /** Where this projection keeps its own position (embedded: a table in the derived store's file). */
  checkpoints: CheckpointStore;
}

/** The runner's status of a projection: the port's, with the name narrowed to the projections it runs. */
export interface ProjectionStatus extends PortProjectionStatus {
  name: ProjectionName;
}

export interface RunnerLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface RunnerOptions {
  feed: ChangeFeed;
  snapshots: Snapshots;
  consumers: Consumer[];
  batchSize?: number;
  /**
   * Events per batch in catchUp (default: batchSize). A catch-up after a bulk write (an import) has a
   * large backlog and nobody waiting on a single event, so larger batches spend fewer transactions and
   * touch each term of the search vocabulary once per batch instead of once per 500 books.
   */
  catchUpBatchSize?: number;
  /** How often to look for commits made by other processes (the CLI), ms. */
  pollIntervalMs?: number;
  /**
   * How long the background may hold, unsaved, the position past events a projection has nothing to do
   * with (default 1,000 ms): see `held`. A crash in that time redelivers them, and they are skipped again.
   */
  skippedCheckpointMs?: number;
  /** Events stay in the feed at least this long after every projection applied them (DynamoDB Streams keeps 24 h). */
  retentionMs?: number;
  logger?: RunnerLogger;
  /** Counts each event's delivery delay and each failed batch, per projection. */
  metrics?: Metrics;
  now?: () => number;
}

const silent: RunnerLogger = { info() {}, warn() {}, error() {} };

/**
 * Delivers the change feed to each projection in order, in batches, at least once. A projection's
 * checkpoint advances only after its batch is applied, and apply is idempotent, so a crash between
 * the two redelivers the batch and changes nothing. A failing batch is retried with backoff and never
 * skipped. Rebuilds reset the checkpoint under a new generation, which makes a concurrent consumer
 * (in this process or another one) drop its stale position instead of overwriting the new one.
 */
export class ChangeFeedRunner implements ProjectionRunner {
  private readonly feed: ChangeFeed;
  private readonly snapshots: Snapshots;
  private readonly consumers: Map<ProjectionName, Consumer>;
  private readonly batchSize: number;
  private readonly catchUpBatchSize: number;
  private readonly pollIntervalMs: number;
  private readonly retentionMs: number;
  private readonly logger: RunnerLogger;
  private readonly metrics: Metrics | undefined;
  private readonly delays = new Map<ProjectionName, DeliveryDelayWindow>();
  private readonly now: () => number;
  /** One chain per projection: passes, rebuilds and rewinds of one projection never overlap. */
  private readonly serial = new SerialWork<ProjectionName>();
  private readonly pending = new Set<ProjectionName>();
  private readonly rebuilding = new Set<ProjectionName>();
  private readonly failures = new Map<ProjectionName, { attempts: number; retryAt: number }>();
  /**
   * Per projection, a position past its saved checkpoint reached by skipping batches that hold none of
   * its entities (the graph has nothing to do with a price change). The background saves it with the
   * next batch it applies, or once it is `skippedCheckpointMs` old, so a burst of writes it ignores
   * costs it no transaction each; until then reads start from it and status reports it. Valid only
   * under the generation it was reached in: a rebuild or a rewind drops it.
   */
  private readonly held = new Map<ProjectionName, { generation: number; position: number; since: number }>();
  private readonly skippedCheckpointMs: number;
  private timer: NodeJS.Timeout | undefined;
  private pruneTimer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private running = false;

  constructor(options: RunnerOptions) {
    this.feed = options.feed;
    this.snapshots = options.snapshots;
    this.consumers = new Map(options.consumers.map((c) => [c.projection.name, c]));
    this.batchSize = options.batchSize ?? 500;
    this.catchUpBatchSize = options.catchUpBatchSize ?? this.batchSize;
    this.pollIntervalMs = options.pollIntervalMs ?? 200;
    this.retentionMs = options.retentionMs ?? 24 * 3600_000;
    this.skippedCheckpointMs = options.skippedCheckpointMs ?? 1_000;
    this.logger = options.logger ?? silent;
    this.metrics = options.metrics;
    for (const name of this.consumers.keys()) this.delays.set(name, new DeliveryDelayWindow());
    this.now = options.now ?? Date.now;
  }

  get names(): ProjectionName[] {
    return [...this.consumers.keys()];
  }

  /** Keeps every projection up to date in the background until stop(). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.unsubscribe = this.feed.onCommit(() => this.kick());
    this.timer = setInterval(() => this.kick(), this.pollIntervalMs);
    this.timer.unref();
    this.pruneTimer = setInterval(() => void this.prune(), 60_000);
    this.pruneTimer.unref();
    this.kick();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.unsubscribe?.();
    clearInterval(this.timer);
    clearInterval(this.pruneTimer);
    await this.serial.idle();
    await Promise.all(this.names.map((name) => this.exclusive(name, () => this.saveHeld(name))));
  }

  /** Applies every event committed so far to every projection; rejects if a projection fails. */
  async catchUp(): Promise<void> {
    const head = await this.feed.head();
    await Promise.all(
      this.names.map((name) =>
        this.exclusive(name, async () => {
          let yielded = performance.now();
          while ((await this.consumer(name).checkpoints.get(name)).position < head.seq) {
            if ((await this.applyNextBatch(name, this.catchUpBatchSize, true)) === 0) break;
            // The embedded stores answer synchronously, so this loop's awaits never reach the timers
            // queue: a long catch-up would freeze the CLI's progress bar (the seed's, for minutes).
            if (performance.now() - yielded > 100) {
              await new Promise((resolve) => setImmediate(resolve));
              yielded = performance.now();
            }
          }
        }),
      ),
    );
  }

  /**
   * Rebuilds one derived store from a consistent snapshot of the system of record while reads keep
   * being served from the old store, then resumes the feed from the snapshot's position.
   */
  async rebuild(name: ProjectionName, observe: RebuildObserver = {}): Promise<void> {
    const { projection, checkpoints } = this.consumer(name);
    await this.exclusive(name, async () => {
      this.rebuilding.add(name);
      this.held.delete(name);
      const started = this.now();
      const snapshot = await this.snapshots.open();
      try {
        if (observe.onStart) {
          const counts = await Promise.all(projection.sources.map((source) => snapshot.count(source)));
          observe.onStart(counts.reduce((a, b) => a + b, 0));
        }
        await projection.rebuild(observe.onItem ? countingSnapshot(snapshot, observe.onItem) : snapshot);
        await checkpoints.reset(name, snapshot.position);
        await checkpoints.recordError(name, null);
        this.failures.delete(name);
        this.logger.info({ projection: name, position: snapshot.position, ms: this.now() - started }, 'projection rebuilt');
      } finally {
        this.rebuilding.delete(name);
        await snapshot.close();
      }
    });
    this.kick();
  }

  /** The rebuild runs in this process: the caller may answer at once and hear of its end through `finished`. */
  async startRebuild(name: string): Promise<RebuildStarted> {
    return { finished: this.rebuild(this.consumer(name as ProjectionName).projection.name) };
  }

  /** Moves a checkpoint back so the events after `position` are delivered again (operations and tests of idempotence). */
  async rewind(name: ProjectionName, position: number): Promise<void> {
    const { checkpoints } = this.consumer(name);
    await this.exclusive(name, async () => {
      this.held.delete(name);
      const cp = await checkpoints.get(name);
      await checkpoints.advance(name, cp.generation, Math.min(position, cp.position));
    });
  }

  async status(): Promise<ProjectionStatus[]> {
    const head = await this.feed.head();
    const now = this.now();
    return Promise.all(
      this.names.map(async (name) => {
        const cp = await this.consumer(name).checkpoints.get(name);
        // Skipped events are done with: the store is what applying them would have made it.
        const position = this.positionOf(name, cp);
        const lagEvents = Math.max(0, head.seq - position);
        const [oldest] = lagEvents > 0 ? await this.feed.read(position, 1) : [];
        return {
          name,
          position,
          generation: cp.generation,
          headPosition: head.seq,
          lagEvents,
          lagMs: oldest ? Math.max(0, now - oldest.at) : 0,
          lastError: cp.lastError,
          rebuilding: this.rebuilding.has(name),
          updatedAt: cp.updatedAt,
          delivery: this.delays.get(name)!.summary(now),
        };
      }),
    );
  }

  private consumer(name: ProjectionName): Consumer {
    const c = this.consumers.get(name);
    if (!c) throw new Error(`unknown projection "${name}"; known: ${this.names.join(', ')}`);
    return c;
  }

  private exclusive<T>(name: ProjectionName, work: () => Promise<T>): Promise<T> {
    return this.serial.run(name, work);
  }

  /** Schedules one drain per projection unless one is already queued. */
  private kick(): void {
    if (!this.running) return;
    for (const name of this.names) {
      if (this.pending.has(name) || this.rebuilding.has(name)) continue;
      const failure = this.failures.get(name);
      if (failure && failure.retryAt > this.now()) continue;
      this.pending.add(name);
      void this.exclusive(name, async () => {
        this.pending.delete(name);
        try {
          while (this.running && (await this.applyNextBatch(name, this.batchSize, false)) > 0);
          if (this.heldSince(name) <= this.now() - this.skippedCheckpointMs) await this.saveHeld(name);
        } catch {
          // applyNextBatch recorded the error and scheduled the retry.
        }
      });
    }
  }

  /**
   * Applies the next batch after the checkpoint; returns how many events it applied. In the background
   * (`rethrow` false) a batch with none of the projection's entities is skipped without a write: its
   * position is held (see `held`). A catch-up saves every position, so it ends with the checkpoint at the head.
   */
  private async applyNextBatch(name: ProjectionName, size: number, rethrow: boolean): Promise<number> {
    const { projection, checkpoints } = this.consumer(name);
    const cp = await checkpoints.get(name);
    const from = this.positionOf(name, cp);
    const events = await this.feed.read(from, size);
    if (events.length === 0) return 0;
    const entities = projection.entities;
    if (!rethrow && entities && !events.some((e) => entities.includes(e.entity))) {
      const last = events[events.length - 1]!.seq;
      this.held.set(name, { generation: cp.generation, position: last, since: this.held.get(name)?.since ?? this.now() });
      this.recordDelivered(name, events);
      return events.length;
    }
    try {
      await projection.apply(events);
    } catch (error) {
      const attempts = (this.failures.get(name)?.attempts ?? 0) + 1;
      const backoff = Math.min(30_000, 100 * 2 ** Math.min(attempts, 9));
      this.failures.set(name, { attempts, retryAt: this.now() + backoff });
      const message = error instanceof Error ? error.message : String(error);
      await checkpoints.recordError(name, message).catch(() => undefined);
      this.metrics?.projectionFailed(name);
      this.logger.error({ projection: name, position: cp.position, attempts, err: error }, 'projection batch failed; will retry');
      if (rethrow) throw error;
      return 0;
    }
    const last = events[events.length - 1]!.seq;
    // Saving the batch's last position saves the skipped ones before it too.
    const advanced = await checkpoints.advance(name, cp.generation, last);
    this.held.delete(name);
    if (this.failures.delete(name) || cp.lastError) await checkpoints.recordError(name, null);
    if (advanced) this.recordDelivered(name, events);
    // When a rebuild moved the checkpoint meanwhile, the next pass starts from its new position.
    return events.length;
  }

  private recordDelivered(name: ProjectionName, events: readonly ChangeEvent[]): void {
    const appliedAt = this.now();
    const delays = events.map((e) => appliedAt - e.at);
    this.delays.get(name)!.record(appliedAt, delays);
    for (const delay of delays) this.metrics?.projectionDelivered(name, delay);
  }

  /** Where the projection is: its saved checkpoint, or the position it skipped to under the same generation. */
  private positionOf(name: ProjectionName, cp: { generation: number; position: number }): number {
    const held = this.held.get(name);
    return held && held.generation === cp.generation && held.position > cp.position ? held.position : cp.position;
  }

  private heldSince(name: ProjectionName): number {
    return this.held.get(name)?.since ?? Infinity;
  }

  /** Saves a held position (a stale generation's is dropped by `advance`, which refuses it). */
  private async saveHeld(name: ProjectionName): Promise<void> {
    const held = this.held.get(name);
    if (!held) return;
    this.held.delete(name);
    await this.consumer(name).checkpoints.advance(name, held.generation, held.position);
  }

  private async prune(): Promise<void> {
    try {
      const positions = await Promise.all(this.names.map(async (n) => (await this.consumer(n).checkpoints.get(n)).position));
      const upTo = Math.min(...positions);
      const removed = await this.feed.prune(upTo, this.now() - this.retentionMs);
      if (removed > 0) this.logger.info({ removed, upTo }, 'pruned applied change events');
    } catch (error) {
      this.logger.warn({ err: error }, 'pruning the change feed failed; will try again');
    }
  }
}

/** Wraps a snapshot so each record read reports progress. */
export function countingSnapshot(snapshot: Snapshot, onItem: () => void): Snapshot {
  async function* counted<T>(items: AsyncIterable<T>): AsyncIterable<T> {
    for await (const item of items) {
      onItem();
      yield item;
    }
  }
  return {
    position: snapshot.position,
    books: () => counted(snapshot.books()),
    users: () => counted(snapshot.users()),
    orders: () => counted(snapshot.orders()),
    friendships: () => counted(snapshot.friendships()),
    reviews: () => counted(snapshot.reviews()),
    count: (source) => snapshot.count(source),
    close: () => snapshot.close(),
  };
}
