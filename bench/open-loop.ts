/**
 * An open-loop load: requests start at random (Poisson) moments averaging `rate` per second, whatever
 * the server is doing, as independent shoppers' searches arrive; each one's latency runs from the
 * moment it was due to its last byte, so a server (or client) that falls behind is charged for the
 * wait instead of hiding it.
 *
 * autocannon's `overallRate` is not this: each connection sends its share of a second's quota back to
 * back and then pauses until the next second, so "200 req/s over 10 connections" is a burst of ten
 * concurrent requests at the top of every second, and its latencies are those of a saturated server.
 */
import { Agent, request } from 'node:http';

export interface OpenLoopResult {
  /** Requests completed per second over the measured seconds. */
  rps: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
  /** How far the client's own timer ran behind schedule at worst, in ms: large values void the run. */
  clientLagMs: number;
}

/** A fixed-seed generator (mulberry32), so runs send the same arrival pattern. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Runs `seconds` of open-loop load at `rate` requests/s against `base`, paths from `path()`. */
export async function openLoop(base: string, path: () => string, rate: number, seconds: number, seed = 1): Promise<OpenLoopResult> {
  const url = new URL(base);
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const next = random(seed);
  const latencies: number[] = [];
  let errors = 0;
  let clientLagMs = 0;
  const inFlight = new Set<Promise<void>>();
  const start = performance.now();
  const end = start + seconds * 1000;
  let due = start;
  const send = (scheduled: number) => {
    const done = new Promise<void>((resolve) => {
      const req = request({ host: url.hostname, port: url.port, path: path(), agent }, (res) => {
        res.on('data', () => {});
        res.on('end', () => {
          if (res.statusCode! >= 200 && res.statusCode! < 300) latencies.push(performance.now() - scheduled);
          else errors++;
          resolve();
        });
      });
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end();
    });
    inFlight.add(done);
    void done.then(() => inFlight.delete(done));
  };
  while (due < end) {
    const now = performance.now();
    if (now < due) await new Promise((r) => setTimeout(r, Math.max(0, due - now - 0.5)));
    // Everything now due goes out, each charged from its own due time.
    const late = performance.now();
    clientLagMs = Math.max(clientLagMs, late - due);
    while (due <= late && due < end) {
      send(due);
      due += -Math.log(1 - next()) * (1000 / rate);
    }
  }
  await Promise.all(inFlight);
  agent.destroy();
  const sorted = latencies.sort((a, b) => a - b);
  return {
    rps: Math.round(latencies.length / seconds),
    p50: Number(percentile(sorted, 50).toFixed(1)),
    p99: Number(percentile(sorted, 99).toFixed(1)),
    max: Number((sorted[sorted.length - 1] ?? NaN).toFixed(1)),
    errors,
    clientLagMs: Number(clientLagMs.toFixed(1)),
  };
}
