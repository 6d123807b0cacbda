/**
 * The EMF reader the emulator tests use, checked on what Powertools really writes from a bundle running
 * under the emulator and the Runtime API bootstrap: its lines parse into the metrics CloudWatch would
 * record, and a line console.log wrote (prefixed by the runtime, as on AWS) is refused, not misread.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBundle, ROOT } from '../../scripts/lambda-rie/bundles.js';
import { startFunction, type EmulatedFunction, type Invocation } from '../../scripts/lambda-rie/emulator.js';
import { installLambdaNode } from '../../scripts/lambda-rie/node.js';
import { installRie } from '../../scripts/lambda-rie/rie.js';
import { emfDocumentsIn, emfMetrics, parseEmfLine } from '../support/emf-lines.js';

let fn: EmulatedFunction;
let invocation: Invocation;

beforeAll(async () => {
  const taskRoot = join(ROOT, 'test-output', 'lambda-bundles', 'powertools-emf');
  await buildBundle(join(ROOT, 'test', 'fixtures', 'lambda', 'powertools-emf.ts'), taskRoot);
  const progress = (line: string) => console.error(line);
  fn = await startFunction({ name: 'powertools-emf', taskRoot, handler: 'index.handler', environment: {}, node: await installLambdaNode(progress), rie: await installRie(progress) });
  invocation = await fn.invoke({ orders: 2, delays: [5, 7.5] });
}, 300_000);

afterAll(async () => {
  await fn?.stop();
});

describe('EMF lines from a bundle under the emulator', () => {
  it('runs the bundle on Node 24', () => {
    expect(invocation.failed, JSON.stringify(invocation.payload)).toBe(false);
    expect(invocation.payload).toEqual({ ok: true });
    expect(fn.stderr().join('\n')).toContain('bookstore-node/24.');
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
