import { LambdaClient } from '@aws-sdk/client-lambda';
import type { Context } from 'aws-lambda';
import { pino } from 'pino';
import { LambdaRebuildInvoker, type RebuildEvent } from '../adapters/lambda/lambda-rebuild-invoker.js';
import { loadConfig } from '../config.js';
import { openStore, type Store } from '../composition.js';
import type { WorkOutcome } from '../projections/chunked-rebuild.js';
import { PROJECTION_NAMES } from '../projections/projection.js';

/** Time kept back at the end of an invocation for the last save and the invocation of the next, ms. */
const SAFETY_MS = 30_000;

export interface RebuildResult {
  projection: string;
  jobId: string;
  outcome: WorkOutcome;
  loaded: number;
  total: number | null;
  chunks: number;
}

/** The next invocation: in production the function itself, asynchronously. */
export type InvokeNext = (event: RebuildEvent, context: Pick<Context, 'invokedFunctionArn'>) => Promise<void>;

/** Checks an event from outside (the HTTP function, a laptop, the console) before anything is opened. */
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
 * The rebuild function: a thin shell over ChunkedRebuilder (src/projections/chunked-rebuild.ts). Each
 * invocation works on the job until about 30 s before its own timeout, then hands it over to a new
 * asynchronous invocation of itself, so a rebuild of any size runs as a chain of invocations that each
 * fit Lambda's 15 minutes. Everything needed to go on is in the job record, so a chain broken by a
 * crash is resumed by Lambda's retry of the failed invocation, or by starting the rebuild again.
 * The store is opened once per container.
 */
export function createRebuildFunction(open: () => Promise<Store>, invokeNext: InvokeNext) {
  const logger = pino({ level: process.env.BOOKSTORE_LOG_LEVEL ?? 'info' });
  let ready: Promise<Store> | null = null;
  return async (rawEvent: unknown, context: Pick<Context, 'getRemainingTimeInMillis' | 'invokedFunctionArn'>): Promise<RebuildResult> => {
    const event = parseRebuildEvent(rawEvent);
    ready ??= open();
    let store: Store;
    try {
      store = await ready;
    } catch (error) {
      ready = null;
      throw error;
    }
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
    const options = { deadline, ...(handover !== undefined ? { handover } : {}) };
    let { outcome, job } = await rebuilds.work(event.projection, jobId, options);
    // Lambda's retry of an invocation that died finds the job held until that invocation's lease runs
    // out (at most a lease, 90 s): it waits once rather than end the chain, which nothing would resume.
    const wait = outcome === 'held' && job ? job.leaseUntil - Date.now() + 1_000 : 0;
    if (wait > 0 && Date.now() + wait < deadline - 60_000) {
      logger.info({ projection: event.projection, job: jobId, waitMs: wait }, 'rebuild job held by another invocation; waiting for its lease');
      await new Promise((resolve) => setTimeout(resolve, wait));
      ({ outcome, job } = await rebuilds.work(event.projection, jobId, options));
    }
    if (outcome === 'more' && job) await invokeNext({ projection: event.projection, jobId, handover: job.revision }, context);
    const result = { projection: event.projection, jobId, outcome, loaded: job?.loaded ?? 0, total: job?.total ?? null, chunks: job?.chunks ?? 0 };
    logger.info(result, 'rebuild invocation ended');
    return result;
  };
}

let lambda: LambdaClient | null = null;

/** The deployed entry point; it invokes itself by the ARN it was invoked with (so an alias or version stays the same). */
export const handler = createRebuildFunction(
  () => openStore(loadConfig(process.env)),
  async (event, context) => {
    lambda ??= new LambdaClient({});
    await new LambdaRebuildInvoker(lambda, context.invokedFunctionArn).invoke(event);
  },
);
