import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { keys } from '../../src/adapters/dynamodb/dynamodb-items.js';
import { loadConfig } from '../../src/config.js';
import { parseRebuildEvent, triggeredRebuild } from '../../src/lambda/rebuild-handler.js';
import { REBUILD_TRIGGER_PATTERN } from '../../src/lambda/rebuild-trigger.js';
import type { RebuildJob } from '../../src/ports/rebuild-jobs.js';
import { newJob } from '../conformance/rebuild-jobs.js';
import { matchesFilterPattern } from '../support/filter-pattern.js';

describe('the rebuild function event', () => {
  it('accepts a projection with an optional job, hand-over revision and restart flag', () => {
    expect(parseRebuildEvent({ projection: 'search' })).toEqual({ projection: 'search' });
    const jobId = '5b7c2f0e-8a51-4e3b-9d7e-1f2a3b4c5d6e';
    expect(parseRebuildEvent({ projection: 'graph', jobId, handover: 7 })).toEqual({ projection: 'graph', jobId, handover: 7 });
    expect(parseRebuildEvent({ projection: 'bestsellers', restart: true })).toEqual({ projection: 'bestsellers', restart: true });
  });

  it('names the field that is wrong', () => {
    expect(() => parseRebuildEvent({})).toThrow('projection must be one of search, bestsellers, graph, book-cache');
    expect(() => parseRebuildEvent({ projection: 'orders' })).toThrow('projection must be one of');
    expect(() => parseRebuildEvent({ projection: 'search', jobId: '../x' })).toThrow('jobId must be a job id');
    expect(() => parseRebuildEvent({ projection: 'search', handover: 'one' })).toThrow('handover must be an integer');
    expect(() => parseRebuildEvent({ projection: 'search', restart: 'yes' })).toThrow('restart must be true or false');
    expect(() => parseRebuildEvent({ projection: 'search', force: true })).toThrow('unknown field force');
    expect(() => parseRebuildEvent(null)).toThrow('projection must be');
  });
});

describe('starting the rebuild function from the table stream', () => {
  const jobId = '5b7c2f0e-8a51-4e3b-9d7e-1f2a3b4c5d6e';
  /** A stream record of the job item as DynamoDB writes it (NEW_AND_OLD_IMAGES). */
  function jobRecord(eventName: 'INSERT' | 'MODIFY' | 'REMOVE', changes: Partial<RebuildJob> = {}, key = keys.rebuildJob('search')): DynamoDBRecord {
    const job = { ...key, ...newJob({ id: jobId, ...changes }) };
    return { eventName, eventID: '1', dynamodb: { Keys: marshall(key) as never, NewImage: marshall(job, { removeUndefinedValues: true }) as never } };
  }
  const passes = (record: DynamoDBRecord) => matchesFilterPattern(REBUILD_TRIGGER_PATTERN, record);

  it('passes a job item saved as wanting a worker: created, resumed or handed over', () => {
    expect(passes(jobRecord('INSERT'))).toBe(true);
    expect(passes(jobRecord('MODIFY', { revision: 7, chunks: 3, leaseUntil: 5_000 }))).toBe(true);
  });

  it("drops a worker's own saves, a removed job and every other item of the table", () => {
    expect(passes(jobRecord('MODIFY', { wantsWorker: false, revision: 8 }))).toBe(false);
    expect(passes(jobRecord('REMOVE'))).toBe(false);
    expect(passes(jobRecord('INSERT', {}, { pk: 'BOOK#1', sk: 'REBUILD' }))).toBe(false);
    expect(REBUILD_TRIGGER_PATTERN.dynamodb.Keys.pk.S[0]!.prefix).toBe(keys.rebuildJob('').pk);
  });

  it('reads the job and the revision to take it at from the new image', () => {
    expect(triggeredRebuild(jobRecord('MODIFY', { projection: 'graph', revision: 4 }))).toEqual({ projection: 'graph', jobId, handover: 4 });
    expect(() => triggeredRebuild({ eventName: 'MODIFY', dynamodb: {} })).toThrow('has no new image');
  });
});

describe('the configuration of deployed operations', () => {
  const engines = (env: Record<string, string>) => loadConfig({ BOOKSTORE_PROFILE: 'engines', ...env }).engines!;

  it('keeps the derived stores local and rebuilds in process unless told otherwise', () => {
    expect(engines({})).toMatchObject({ derivedStores: 'local', rebuildFunction: null, rebuildChunkSize: 2000 });
  });

  it('takes the rebuild function by name or ARN, and says what is wrong with anything else', () => {
    expect(engines({ BOOKSTORE_DERIVED_STORES: 'deployed', BOOKSTORE_REBUILD_FUNCTION: 'bookstore-dev-rebuild' })).toMatchObject({
      derivedStores: 'deployed',
      rebuildFunction: 'bookstore-dev-rebuild',
    });
    const arn = 'arn:aws:lambda:eu-west-1:123456789012:function:bookstore-dev-rebuild';
    expect(engines({ BOOKSTORE_REBUILD_FUNCTION: arn }).rebuildFunction).toBe(arn);
    expect(() => engines({ BOOKSTORE_REBUILD_FUNCTION: 'not a name' })).toThrow('BOOKSTORE_REBUILD_FUNCTION: must be a Lambda function name or ARN');
    expect(() => engines({ BOOKSTORE_DERIVED_STORES: 'vpc' })).toThrow('BOOKSTORE_DERIVED_STORES');
    expect(() => engines({ BOOKSTORE_REBUILD_CHUNK_SIZE: '5' })).toThrow('BOOKSTORE_REBUILD_CHUNK_SIZE');
  });
});
