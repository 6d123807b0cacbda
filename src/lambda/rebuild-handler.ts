import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Context, DynamoDBRecord } from 'aws-lambda';
import { pino } from 'pino';
import { loadConfig } from '../config.js';
import { openStore, type Store } from '../composition.js';
import type { WorkOutcome } from '../projections/chunked-rebuild.js';
import { PROJECTION_NAMES } from '../projections/projection.js';

/** Time kept back at the end of an invocation for the last save, ms. */
const SAFETY_MS = 30_000;

/** What the rebuild function works on: a job it was handed (from the stream), or a projection to start (a direct invocation). */
export interface RebuildEvent {
  projection: string;
  /** The job to work on; absent: the function starts (or resumes) one itself. */
  jobId?: string;
  /** The job revision it was handed over at: the job may be taken at once. */
  handover?: number;
  /** With no `jobId`: give up a job that is not done and start again. */
  restart?: boolean;
}

export interface RebuildResult {
  projection: string;
  jobId: string;
  outcome: WorkOutcome;
  loaded: number;
  total: number | null;
  chunks: number;
}

/** Checks an event from outside (the console, `aws lambda invoke`) before anything is opened. */
export function parseRebuildEvent(event: unknown): RebuildEvent {
  const e = (event ?? {}) as Record<string, unknown>;
  const known = new Set(['projection', 'jobId', 'handover', 'restart']);
  const unknown = Object.keys(e).filter((k) => !known.has(k));
  if (unknown.length > 0) throw new Error(`rebuild event: unknown field ${unknown[0]}; expected { projection, jobId?, handover?, restart? }`);
  if (typeof e.projection !== 'string' || !(PROJECTION_NAMES as readonly string[]).includes(e.projection)) {
    throw new Error(`rebuild event: projection must be one of ${PROJECTION_NAMES.join(', ')}`);
  }
  if (e.jobId !== undefined && (typeof e.jobId !== 'string' || !/^[0-9a-f-]{36}$/.test(e.jobId))) throw new Error('rebuild event: jobId must be a job id (a UUID)');
  if (e.handover !== undefined && !Number.isSafeInteger(e.handover)) throw new Error('rebuild event: handover must be an integer');
  if (e.restart !== undefined && typeof e.restart !== 'boolean') throw new Error('rebuild event: restart must be true or false');
  return {
    projection: e.projection,
    ...(e.jobId !== undefined ? { jobId: e.jobId as string } : {}),
    ...(e.handover !== undefined ? { handover: e.handover as number } : {}),
    ...(e.restart !== undefined ? { restart: e.restart as boolean } : {}),
  };
}

/**
 * The job a record of the table's stream asks a worker for: one that passed the mapping's filter
 * (src/lambda/rebuild-trigger.ts), a rebuild job item saved as wanting a worker.
 */
export function triggeredRebuild(record: DynamoDBRecord): RebuildEvent {
  const image = record.dynamodb?.NewImage;
  if (!image) throw new Error(`stream record ${record.eventID ?? '?'} has no new image: the table's stream must carry new images`);
  const job = unmarshall(image as Record<string, AttributeValue>);
  if (typeof job.projection !== 'string' || typeof job.id !== 'string' || typeof job.revision !== 'number') {
    throw new Error(`stream record ${record.eventID ?? '?'} is not a rebuild job item (projection, id, revision)`);
  }
  return parseRebuildEvent({ projection: job.projection, jobId: job.id, handover: job.revision });
}

/** A batch of the table's stream (the function's mapping), or one event given directly. */
function eventsOf(raw: unknown): RebuildEvent[] {
  const records = (raw as { Records?: unknown } | null)?.Records;
  return Array.isArray(records) ? (records as DynamoDBRecord[]).map(triggeredRebuild) : [parseRebuildEvent(raw)];
}

/**
 * The rebuild function: a thin shell over ChunkedRebuilder (src/projections/chunked-rebuild.ts). Its
 * mapping on the table's stream invokes it for every job item saved as wanting a worker (started from
 * the admin API or `bookstore rebuild`, which only write the job). Each invocation works on the job
 * until about 30 s before its own timeout, then hands it over: that save wants a worker again, so the
 * stream starts the next invocation, and a rebuild of any size runs as a chain of invocations that
 * each fit Lambda's 15 minutes. A failed invocation is retried by the mapping from the same record;
 * everything needed to go on is in the job item, so a chain broken for good is resumed by starting
 * the rebuild again. The store is opened once per container. `maxChunksPerInvocation` hands over
 * after that many chunks whatever the time left, so a test sees a chain of a known length on a
 * machine of any speed.
 */
export function createRebuildFunction(open: () => Promise<Store>, limits: { maxChunksPerInvocation?: number } = {}) {
  const logger = pino({ level: process.env.BOOKSTORE_LOG_LEVEL ?? 'info' });
  let ready: Promise<Store> | null = null;

  async function work(store: Store, event: RebuildEvent, context: Pick<Context, 'getRemainingTimeInMillis'>): Promise<RebuildResult> {
    const rebuilds = store.rebuilds;
    if (!rebuilds) throw new Error('the rebuild function needs the engines profile (BOOKSTORE_PROFILE=engines)');
    let jobId = event.jobId;
    let handover = event.handover;
    if (jobId === undefined) {
      const { job, resumed } = await rebuilds.start(event.projection, { restart: event.restart ?? false });
      logger.info({ projection: event.projection, job: job.id, resumed }, resumed ? 'resuming a stalled rebuild' : 'rebuild started');
      jobId = job.id;
      handover = job.revision;
    }
    const deadline = Date.now() + context.getRemainingTimeInMillis() - SAFETY_MS;
    const options = {
      deadline,
      ...(handover !== undefined ? { handover } : {}),
      ...(limits.maxChunksPerInvocation !== undefined ? { maxChunks: limits.maxChunksPerInvocation } : {}),
    };
    let { outcome, job } = await rebuilds.work(event.projection, jobId, options);
    // The mapping's retry of an invocation that died finds the job held until that invocation's lease runs
    // out (at most a lease, 90 s): it waits once rather than end the chain, which nothing would resume.
    const wait = outcome === 'held' && job ? job.leaseUntil - Date.now() + 1_000 : 0;
    if (wait > 0 && Date.now() + wait < deadline - 60_000) {
      logger.info({ projection: event.projection, job: jobId, waitMs: wait }, 'rebuild job held by another invocation; waiting for its lease');
      await new Promise((resolve) => setTimeout(resolve, wait));
      ({ outcome, job } = await rebuilds.work(event.projection, jobId, options));
    }
    const result = { projection: event.projection, jobId, outcome, loaded: job?.loaded ?? 0, total: job?.total ?? null, chunks: job?.chunks ?? 0 };
    logger.info(result, outcome === 'more' ? 'rebuild handed over: the stream starts the next invocation' : 'rebuild invocation ended');
    return result;
  }

  return async (raw: unknown, context: Pick<Context, 'getRemainingTimeInMillis'>): Promise<RebuildResult[]> => {
    const events = eventsOf(raw);
    ready ??= open();
    let store: Store;
    try {
      store = await ready;
    } catch (error) {
      ready = null;
      throw error;
    }
    const results: RebuildResult[] = [];
    // One after another (the mapping's batches hold one record): a failure fails the batch, which the mapping retries.
    for (const event of events) results.push(await work(store, event, context));
    return results;
  };
}

/** The deployed entry point. */
export const handler = createRebuildFunction(() => openStore(loadConfig(process.env)));
