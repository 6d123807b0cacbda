import type { Snapshots } from '../../ports/change-feed.js';
import type { Metrics } from '../../ports/metrics.js';
import { SerialWork } from '../../projections/serial-work.js';
import type { ProjectionStatus, RebuildStarted } from '../../ports/projection-control.js';
import { createStreamHandler } from '../../lambda/stream-handler.js';
import { DeliveryDelayWindow } from '../../projections/delivery-delays.js';
import type { Projection, ProjectionName } from '../../projections/projection.js';
import type { ProjectionRunner, RebuildObserver } from '../../projections/projection-runner.js';
import type { RunnerLogger } from '../../projections/runner.js';
import { countingSnapshot } from '../../projections/runner.js';
import type { StreamCheckpoint, StreamCheckpointStore } from './dynamodb-stream-checkpoints.js';
import { DynamoStreamPoller, type ConsumerPass, type StreamsClientLike } from './dynamodb-stream-poller.js';

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
  /** Counts each change's delivery delay and each failed attempt to apply, per projection (the handlers do, as on Lambda). */
  metrics?: Metrics;
  now?: () => number;
}

const silent: RunnerLogger = { info() {}, warn() {}, error() {} };
/** The key of the one stream pass at a time. */
const STREAM = 'stream';

interface Consumer {
  projection: Projection;
  checkpoints: StreamCheckpointStore;
  /** Stream age of the newest record the last pass delivered, and whether that pass reached the end. */
  lastPass: { at: number; caughtUp: boolean; newestAt: number | null } | null;
  /** What `probe` found waiting past the checkpoint, for a process whose runner made no pass of its own. */
  probed: { behind: boolean; oldestAt: number | null } | null;
}

/**
 * The engines profile's projection runner: one stream poller for all projections, a stand-in for the
 * event source mapping of the one Lambda function that feeds them all (DynamoDB Streams serves two
 * readers per shard), calling each projection's handler as Lambda calls it. Each projection keeps its
 * own checkpoint, so one that fails is retried with backoff from its failed record and never skips
 * one, while the others go on. A rebuild scans the table while the poller passes that projection
 * over, then restarts its stream from where it stood before the scan, under a new generation: a poller
 * in another process that advanced meanwhile (into the store the rebuild replaced) is overruled, and
 * every change since is delivered again.
 */
export class DynamoStreamRunner implements ProjectionRunner {
  private readonly consumers = new Map<ProjectionName, Consumer>();
  private readonly poller: DynamoStreamPoller;
  private readonly serial = new SerialWork<string>();
  private readonly rebuilding = new Set<ProjectionName>();
  /** Rebuilds under way, and whether the runner started them because a checkpoint was missing; catchUp waits for them. */
  private readonly rebuilds = new Map<ProjectionName, { done: Promise<void>; automatic: boolean }>();
  /** A background pass is queued and not started yet: the timer adds none while one waits. */
  private pending = false;
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
      this.consumers.set(projection.name, { projection, checkpoints, lastPass: null, probed: null });
      this.delays.set(projection.name, new DeliveryDelayWindow());
    }
    this.poller = new DynamoStreamPoller({
      client: options.client,
      streamArn: options.streamArn,
      consumers: options.consumers.map(({ projection, checkpoints }) => ({
        name: projection.name,
        handler: createStreamHandler(projection, this.logger, options.metrics),
        checkpoints,
      })),
      batchSize: options.batchSize ?? 100,
      region: options.region,
    });
  }

  get names(): ProjectionName[] {
    return [...this.consumers.keys()];
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    const tick = () => void this.pass(false).catch(() => undefined);
    this.timer = setInterval(tick, this.options.pollIntervalMs ?? 250);
    this.timer.unref();
    tick();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearInterval(this.timer);
    await Promise.allSettled([...this.rebuilds.values()].map((r) => r.done));
    await this.serial.idle();
  }

  async catchUp(): Promise<void> {
    // A pass that was cut short (a batch limit, a child shard waiting for its parent) goes on.
    for (let i = 0; i < 1000; i++) {
      const caughtUp = await this.pass(true);
      const rebuilds = [...this.rebuilds.values()];
      if (rebuilds.length === 0) {
        if (caughtUp) return;
        continue;
      }
      // The caller of a rebuild it asked for hears of its failure; one the runner started fails this catch-up.
      await Promise.allSettled(rebuilds.map((r) => r.done));
      await Promise.all(rebuilds.filter((r) => r.automatic).map((r) => r.done));
    }
    throw new Error('the projections did not reach the end of the stream after 1000 passes');
  }

  async rebuild(name: ProjectionName, observe: RebuildObserver = {}): Promise<void> {
    this.consumer(name);
    const done = this.rebuildExclusively(name, observe);
    const tracked = { done, automatic: false };
    this.rebuilds.set(name, tracked);
    try {
      await done;
    } finally {
      if (this.rebuilds.get(name) === tracked) this.rebuilds.delete(name);
    }
  }

  /** The rebuild runs in this process: the caller may answer at once and hear of its end through `finished`. */
  async startRebuild(name: string): Promise<RebuildStarted> {
    return { finished: this.rebuild(this.consumer(name as ProjectionName).projection.name) };
  }

  private rebuildExclusively(name: ProjectionName, observe: RebuildObserver): Promise<void> {
    return this.serial.run(`rebuild:${name}`, async () => {
      // Passes that start from now on leave this projection alone; the one under way finishes first.
      this.rebuilding.add(name);
      try {
        await this.serial.run(STREAM, async () => undefined);
        await this.rebuildNow(name, observe);
      } finally {
        this.rebuilding.delete(name);
      }
    });
  }

  /**
   * Rebuilds from a scan, then restarts the stream from where the projection stood before the scan:
   * what changed during the scan is delivered again, which the idempotent projections absorb.
   */
  private async rebuildNow(name: ProjectionName, observe: RebuildObserver): Promise<void> {
    const { projection, checkpoints } = this.consumer(name);
    const started = this.now();
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
    await this.serial.run(STREAM, async () => {
      await checkpoints.reset(name, before.shards);
      // In the same step: a pass queued behind the reset starts before this function resumes, and
      // would otherwise leave the projection out while a catch-up took the pass for a complete one.
      this.rebuilding.delete(name);
    });
    this.failures.delete(name);
    this.logger.info({ projection: name, ms: this.now() - started }, 'projection rebuilt; replaying the stream from before the scan');
  }

  async rewind(name: ProjectionName, position: number): Promise<void> {
    if (position !== 0) throw new Error('a DynamoDB stream can only be rewound to its trim horizon (position 0)');
    const { checkpoints } = this.consumer(name);
    await this.serial.run(`rebuild:${name}`, () => this.serial.run(STREAM, () => checkpoints.reset(name, {})));
  }

  /**
   * Looks, without applying anything, for changes waiting past each checkpoint: what `status` reports
   * for a projection this process has not passed over itself (`bookstore status`, a server that has
   * just started), which it would otherwise have to call unknown.
   */
  async probe(): Promise<void> {
    await Promise.all(
      this.names.map(async (name) => {
        const consumer = this.consumer(name);
        if (consumer.lastPass !== null) return;
        consumer.probed = await this.poller.pending(await consumer.checkpoints.get(name));
      }),
    );
  }

  async status(): Promise<(ProjectionStatus & { name: ProjectionName })[]> {
    const now = this.now();
    return Promise.all(
      this.names.map(async (name) => {
        const { lastPass, probed, checkpoints } = this.consumer(name);
        // An engine that is down still gets a status row: the error says what is wrong.
        const cp = await checkpoints.get(name).catch((error: unknown) => ({
          generation: -1,
          applied: 0,
          updatedAt: 0,
          lastError: `checkpoint unreadable: ${error instanceof Error ? error.message : String(error)}`,
        }));
        // Known from this process's own last pass, else from a probe, else not known at all: never 0 by default.
        const seen = lastPass ?? probed;
        const behind = lastPass !== null ? !lastPass.caughtUp : probed !== null && probed.behind;
        const newestAt = lastPass !== null ? lastPass.newestAt : (probed?.oldestAt ?? null);
        return {
          name,
          position: cp.applied,
          generation: cp.generation,
          // Streams keep no count of what is waiting: the head is what was applied, plus one while behind.
          headPosition: cp.applied + (behind ? 1 : 0),
          lagEvents: behind ? 1 : 0,
          // Lambda's IteratorAge: how old the newest delivered record was when the pass ended behind.
          lagMs: behind && newestAt !== null ? Math.max(0, now - newestAt) : 0,
          ...(seen === null ? { lagUnknown: 'this process has not read the stream yet (the runner of the process that serves knows, as does the stream function\'s IteratorAge metric)' } : {}),
          lastError: cp.lastError,
          rebuilding: this.rebuilding.has(name),
          updatedAt: cp.updatedAt,
          delivery: this.delays.get(name)!.summary(now),
        };
      }),
    );
  }

  /**
   * One pass of the poller for every projection that is not rebuilding or waiting out a failure
   * (`forced`: waiting or not); true when every projection of the runner took part and reached the
   * end of every readable shard.
   * With `forced`, a projection that failed makes the pass reject.
   */
  private pass(forced: boolean): Promise<boolean> {
    if (!forced) {
      if (!this.running || this.pending) return Promise.resolve(false);
      this.pending = true;
    }
    return this.serial.run(STREAM, async () => {
      if (!forced) this.pending = false;
      const now = this.now();
      const due = this.names.filter((name) => !this.rebuilding.has(name) && (forced || (this.failures.get(name)?.retryAt ?? 0) <= now));
      const loaded = new Map<ProjectionName, StreamCheckpoint>();
      const unreadable = new Map<ProjectionName, unknown>();
      await Promise.all(
        due.map(async (name) => {
          try {
            loaded.set(name, await this.consumer(name).checkpoints.get(name));
          } catch (error) {
            unreadable.set(name, error);
          }
        }),
      );
      // No checkpoint: a new projection, or one whose store was lost with it (a Redis restarted empty).
      for (const [name, checkpoint] of loaded) {
        if (checkpoint.generation === 0) {
          loaded.delete(name);
          this.rebuildAutomatically(name);
        }
      }
      let passes: Map<string, ConsumerPass>;
      try {
        passes = await this.poller.poll([...loaded.keys()], loaded);
      } catch (error) {
        // The stream itself could not be read: every projection of this pass waits.
        passes = new Map([...loaded.keys()].map((name) => [name, { delivered: 0, caughtUp: false, newestAt: null, error: asError(error) }]));
        this.poller.reset();
      }
      for (const [name, error] of unreadable) passes.set(name, { delivered: 0, caughtUp: false, newestAt: null, error: asError(error) });
      const failed: Error[] = [];
      for (const [name, pass] of passes) {
        const error = await this.record(name as ProjectionName, pass);
        if (error) failed.push(error);
      }
      if (forced && failed.length > 0) throw failed[0];
      // Caught up means every projection, not only those this pass could take.
      return [...passes.values()].every((p) => p.caughtUp) && loaded.size === this.consumers.size;
    });
  }

  /** Keeps what one projection's pass did for its status, and schedules the retry of a failure. */
  private async record(name: ProjectionName, pass: ConsumerPass): Promise<Error | null> {
    const consumer = this.consumer(name);
    const at = this.now();
    if (!pass.error) {
      consumer.lastPass = { at, caughtUp: pass.caughtUp, newestAt: pass.newestAt };
      if (pass.newestAt !== null) this.delays.get(name)!.record(at, [at - pass.newestAt]);
      if (this.failures.delete(name)) await consumer.checkpoints.recordError(name, null).catch(() => undefined);
      return null;
    }
    const attempts = this.scheduleRetry(name);
    consumer.lastPass = { at, caughtUp: false, newestAt: pass.newestAt ?? consumer.lastPass?.newestAt ?? null };
    await consumer.checkpoints.recordError(name, pass.error.message).catch(() => undefined);
    this.logger.error({ projection: name, attempts, err: pass.error }, 'stream pass failed; will retry');
    return pass.error;
  }

  /** Starts a rebuild in the background; the pass that found the missing checkpoint must not wait for it. */
  private rebuildAutomatically(name: ProjectionName): void {
    if (this.rebuilds.get(name)?.automatic) return;
    this.logger.warn({ projection: name }, 'projection has no checkpoint; rebuilding it from the system of record');
    // Marked now, so that no pass, this one included, delivers to it before the rebuild starts.
    this.rebuilding.add(name);
    const tracked = { done: this.rebuildExclusively(name, {}), automatic: true };
    this.rebuilds.set(name, tracked);
    tracked.done.then(
      () => this.rebuilds.get(name) === tracked && this.rebuilds.delete(name),
      (error: unknown) => {
        if (this.rebuilds.get(name) === tracked) this.rebuilds.delete(name);
        const attempts = this.scheduleRetry(name);
        this.logger.error({ projection: name, attempts, err: error }, 'automatic rebuild failed; will retry');
      },
    );
  }

  /** Holds a failed projection back from background passes for a while that grows with each failure in a row. */
  private scheduleRetry(name: ProjectionName): number {
    const attempts = (this.failures.get(name)?.attempts ?? 0) + 1;
    this.failures.set(name, { attempts, retryAt: this.now() + Math.min(30_000, 100 * 2 ** Math.min(attempts, 9)) });
    return attempts;
  }

  private consumer(name: ProjectionName): Consumer {
    const c = this.consumers.get(name);
    if (!c) throw new Error(`unknown projection "${name}"; known: ${this.names.join(', ')}`);
    return c;
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
