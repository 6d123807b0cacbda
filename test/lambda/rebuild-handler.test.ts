import { InvokeCommand, type InvokeCommandOutput } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { LambdaRebuildInvoker } from '../../src/adapters/lambda/lambda-rebuild-invoker.js';
import { loadConfig } from '../../src/config.js';
import { parseRebuildEvent } from '../../src/lambda/rebuild-handler.js';

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

describe('invoking the rebuild function', () => {
  it('queues the event asynchronously, so no caller waits for a rebuild', async () => {
    const sent: InvokeCommand[] = [];
    const invoker = new LambdaRebuildInvoker(
      {
        async send(command: InvokeCommand): Promise<InvokeCommandOutput> {
          sent.push(command);
          return { StatusCode: 202, $metadata: {} };
        },
      },
      'bookstore-rebuild',
    );
    await invoker.invoke({ projection: 'search', jobId: '5b7c2f0e-8a51-4e3b-9d7e-1f2a3b4c5d6e', handover: 3 });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.input).toMatchObject({ FunctionName: 'bookstore-rebuild', InvocationType: 'Event' });
    expect(JSON.parse(new TextDecoder().decode(sent[0]!.input.Payload as Uint8Array))).toEqual({
      projection: 'search',
      jobId: '5b7c2f0e-8a51-4e3b-9d7e-1f2a3b4c5d6e',
      handover: 3,
    });
  });

  it('fails when Lambda did not queue the invocation', async () => {
    const invoker = new LambdaRebuildInvoker({ send: async () => ({ StatusCode: 200, $metadata: {} }) }, 'bookstore-rebuild');
    await expect(invoker.invoke({ projection: 'graph' })).rejects.toThrow('did not queue the rebuild of graph');
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
