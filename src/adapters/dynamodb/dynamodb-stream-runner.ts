import type { Snapshots } from '../../ports/change-feed.js';
import { SerialWork } from '../../projections/serial-work.js';
import type { ProjectionStatus } from '../../ports/projection-control.js';
import { createStreamHandler } from '../../lambda/stream-handler.js';
import { DeliveryDelayWindow } from '../../projections/delivery-delays.js';
import type { Projection, ProjectionName } from '../../projections/projection.js';
import type { ProjectionRunner, RebuildObserver } from '../../projections/projection-runner.js';
import type { RunnerLogger } from '../../projections/runner.js';
import { countingSnapshot } from '../../projections/runner.js';
import type { StreamCheckpointStore } from './dynamodb-stream-checkpoints.js';
import { DynamoStreamPoller, type StreamsClientLike } from './dynamodb-stream-poller.js';

export interface StreamRunnerOptions {
  client: StreamsClientLike;
  streamArn: string;
  snapshots: Snapshots;
  /**
   * Each projection with where its checkpoint lives. Kept beside the derived data where that can be
   * lost on its own (Redis), a lost checkpoint means a lost store, and the runner rebuilds it.
   */
  consumers: Array<{ projection: Projection; checkpoints: StreamCheckpointStore }>;
  /** Records per handler call (Lambda's BatchSize). */
  batchSize?: number;
  /** How often an idle poller reads the stream again, ms (Lambda polls each shard about 4 times a second). */
  pollIntervalMs?: number;
  region?: string;
  logger?: RunnerLogger;
  now?: () => number;
}

const silent: RunnerLogger = { info() {}, warn() {}, error() {} };

interface Consumer {
  projection: Projection;
  checkpoints: StreamCheckpointStore;
  poller: DynamoStreamPoller;
  /** Stream age of the newest record the last pass delivered, and whether that pass reached the end. */
  lastPass: { at: number; caughtUp: boolean; newestAt: number | null } | null;
}

/**
 * The engines profile's projection runner: one stream poller per projection, each a stand-in for one
 * Lambda function's DynamoDB Streams event source mapping, calling the same handler Lambda calls. A
 * failing batch is retried with backoff from the failed record and never skipped. Rebuilds scan the
 * table while the poller of that projection waits, then restart the stream from where that projection
 * stood before the scan under a new generation: a poller in another process that advanced meanwhile
 * (into the store the rebuild replaced) is overruled, and every change since is delivered again.
 */
export class DynamoStreamRunner implements ProjectionRunner {
  private readonly consumers = new Map<ProjectionName, Consumer>();
  private readonly serial = new SerialWork<ProjectionName>();
  private readonly rebuilding = new Set<ProjectionName>();
  /** Background passes queued and not started yet: the timer adds none while one waits. */
  private readonly pending = new Set<ProjectionName>();
  private readonly failures = new Map<ProjectionName, { attempts: number; retryAt: number }>();
  private readonly delays = new Map<ProjectionName, DeliveryDelayWindow>();
  private readonly logger: RunnerLogger;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(private readonly options: StreamRunnerOptions) {
    this.logger = options.logger ?? silent;
    this.now = options.now ?? Date.now;
    for (const { projection, checkpoints } of options.consumers) {
      const handler = createStreamHandler(projection, this.logger);
      const poller = new DynamoStreamPoller({
        client: options.client,
        streamArn: options.streamArn,
        consumer: projection.name,
        handler,
        checkpoints,
        batchSize: options.batchSize ?? 100,
        region: options.region,
      });
      this.consumers.set(projection.name, { projection, checkpoints, poller, lastPass: null });
      this.delays.set(projection.name, new DeliveryDelayWindow());
    }
  }

  get names(): ProjectionName[] {
    return [...this.consumers.keys()];
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    const tick = () => {
      for (const name of this.names) void this.pass(name, false).catch(() => undefined);
    };
    this.timer = setInterval(tick, this.options.pollIntervalMs ?? 250);
    this.timer.unref();
    tick();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearInterval(this.timer);
    await this.serial.idle();
  }

  async catchUp(): Promise<void> {
    await Promise.all(
      this.names.map(async (name) => {
        // A pass that was cut short (a batch limit, a child shard waiting for its parent) goes on.
        for (let i = 0; i < 1000; i++) if (await this.pass(name, true)) return;
        throw new Error(`projection ${name} did not reach the end of the stream after 1000 passes`);
      }),
    );
  }

  async rebuild(name: ProjectionName, observe: RebuildObserver = {}): Promise<void> {
    await this.exclusive(name, () => this.rebuildNow(name, observe));
  }

  /**
   * Rebuilds from a scan, then restarts the stream from where the projection stood before the scan:
   * what changed during the scan is delivered again, which the idempotent projections absorb.
   */
  private async rebuildNow(name: ProjectionName, observe: RebuildObserver): Promise<void> {
    const { projection, checkpoints, poller } = this.consumer(name);
    this.rebuilding.add(name);
    const started = this.now();
    try {
      const before = await checkpoints.get(name);
      const snapshot = await this.options.snapshots.open();
      try {
        if (observe.onStart) {
          const counts = await Promise.all(projection.sources.map((source) => snapshot.count(source)));
          observe.onStart(counts.reduce((a, b) => a + b, 0));
        }
        await projection.rebuild(observe.onItem ? countingSnapshot(snapshot, observe.onItem) : snapshot);
      } finally {
        await snapshot.close();
      }
      await checkpoints.reset(name, before.shards);
      this.failures.delete(name);
      poller.reset();
      this.logger.info({ projection: name, ms: this.now() - started }, 'projection rebuilt; replaying the stream from before the scan');
    } finally {
      this.rebuilding.delete(name);
    }
  }

  async rewind(name: ProjectionName, position: number): Promise<void> {
    if (position !== 0) throw new Error('a DynamoDB stream can only be rewound to its trim horizon (position 0)');
    await this.exclusive(name, async () => {
      await this.consumer(name).checkpoints.reset(name, {});
      this.consumer(name).poller.reset();
    });
  }

  async status(): Promise<(ProjectionStatus & { name: ProjectionName })[]> {
    const now = this.now();
    return Promise.all(
      this.names.map(async (name) => {
        const { lastPass, checkpoints } = this.consumer(name);
        // An engine that is down still gets a status row: the error says what is wrong.
        const cp = await checkpoints.get(name).catch((error: unknown) => ({
          generation: -1,
          applied: 0,
          updatedAt: 0,
          lastError: `checkpoint unreadable: ${error instanceof Error ? error.message : String(error)}`,
        }));
        const behind = lastPass !== null && !lastPass.caughtUp;
        return {
          name,
          position: cp.applied,
          generation: cp.generation,
          // Streams keep no count of what is waiting: the head is what was applied, plus one while behind.
          headPosition: cp.applied + (behind ? 1 : 0),
          lagEvents: behind ? 1 : 0,
          // Lambda's IteratorAge: how old the newest delivered record was when the pass ended behind.
          lagMs: behind && lastPass.newestAt !== null ? Math.max(0, now - lastPass.newestAt) : 0,
          lastError: cp.lastError,
          rebuilding: this.rebuilding.has(name),
          updatedAt: cp.updatedAt,
          delivery: this.delays.get(name)!.summary(now),
        };
      }),
    );
  }

  /** One pass of one projection's poller; true when it reached the end of every readable shard. */
  private pass(name: ProjectionName, rethrow: boolean): Promise<boolean> {
    if (!rethrow) {
      if (!this.running || this.rebuilding.has(name)) return Promise.resolve(false);
      const failure = this.failures.get(name);
      if (failure && failure.retryAt > this.now()) return Promise.resolve(false);
      if (this.pending.has(name)) return Promise.resolve(false);
      this.pending.add(name);
    }
    const consumer = this.consumer(name);
    return this.exclusive(name, async () => {
      if (!rethrow) this.pending.delete(name);
      try {
        // No checkpoint: a new projection, or one whose store was lost with it (a Redis restarted empty).
        if ((await consumer.checkpoints.get(name)).generation === 0) {
          this.logger.warn({ projection: name }, 'projection has no checkpoint; rebuilding it from the system of record');
          await this.rebuildNow(name, {});
        }
        const result = await consumer.poller.poll();
        const passedAt = this.now();
        consumer.lastPass = { at: passedAt, caughtUp: result.caughtUp, newestAt: result.newestAt };
        if (result.newestAt !== null) this.delays.get(name)!.record(passedAt, [passedAt - result.newestAt]);
        if (this.failures.delete(name)) await consumer.checkpoints.recordError(name, null);
        return result.caughtUp;
      } catch (error) {
        const attempts = (this.failures.get(name)?.attempts ?? 0) + 1;
        this.failures.set(name, { attempts, retryAt: this.now() + Math.min(30_000, 100 * 2 ** Math.min(attempts, 9)) });
        consumer.poller.reset();
        consumer.lastPass = { at: this.now(), caughtUp: false, newestAt: consumer.lastPass?.newestAt ?? null };
        const message = error instanceof Error ? error.message : String(error);
        await consumer.checkpoints.recordError(name, message).catch(() => undefined);
        this.logger.error({ projection: name, attempts, err: error }, 'stream pass failed; will retry');
        if (rethrow) throw error;
        return false;
      }
    });
  }

  private consumer(name: ProjectionName): Consumer {
    const c = this.consumers.get(name);
    if (!c) throw new Error(`unknown projection "${name}"; known: ${this.names.join(', ')}`);
    return c;
  }

  private exclusive<T>(name: ProjectionName, work: () => Promise<T>): Promise<T> {
    return this.serial.run(name, work);
  }
}
