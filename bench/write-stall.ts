/**
 * `npx tsx bench/write-stall.ts --data-dir DIR [--writes 200] [--interval 100] [--cpu-prof]`: what one
 * catalog write (PATCH /api/v1/books/:id, a price change, as the bench's writer sends) costs the server's
 * event loop, on a data directory kept between runs (made by bench/serve-profile.ts; copied, never written).
 *
 * Sends the writes one at a time, `--interval` ms apart, with nothing else running against the server,
 * and prints the server's CPU per write read from /proc (the write, its commit and every projection it
 * wakes); then sends as many again beside a probe (GET /healthz, one at a time, 1 ms apart) and prints
 * how long the probe took: its tail is the stalls a search arriving at a write would wait behind.
 * Needs a build (`npm run build:server`). Figures to report, not to assert.
 */
import { loadavg } from 'node:os';
import { api, bookIds, percentile, processCpuSeconds, serveCopy } from './harness.js';

const args = process.argv.slice(2);
const option = (name: string) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : undefined);
const dataDir = option('data-dir');
if (!dataDir) {
  console.error('usage: npx tsx bench/write-stall.ts --data-dir DIR [--writes N] [--interval MS] [--cpu-prof]');
  process.exit(2);
}
const WRITES = Number(option('writes') ?? 200);
const INTERVAL = Number(option('interval') ?? 100);
const env = { ...process.env, BOOKSTORE_LOG_LEVEL: 'warn', BOOKSTORE_SCRYPT_COST: '16384', BOOKSTORE_LOGIN_RATE_LIMIT: '100000', BOOKSTORE_LOGIN_ADDRESS_RATE_LIMIT: '100000' };

async function main() {
  const { server, token, profileDir, dispose } = await serveCopy(dataDir!, env, 'write-stall', args.includes('--cpu-prof'));
  try {
    const base = server.base;
    const ids = await bookIds(base, 50);
    const books = new Map<string, { etag: string; price: number }>();
    for (const id of ids) {
      const res = await fetch(`${base}/api/v1/books/${id}`);
      books.set(id, { etag: res.headers.get('etag')!, price: ((await res.json()) as { price: number }).price });
    }
    // Settle: the projections' start-up passes and the first writes' warm-up stay out of the figures.
    await new Promise((r) => setTimeout(r, 2_000));

    const writeMs: number[] = [];
    let written = 0;
    const writeAll = async () => {
      for (let i = 0; i < WRITES; i++, written++) {
        const id = ids[written % ids.length]!;
        const book = books.get(id)!;
        const t = performance.now();
        const res = await fetch(`${base}/api/v1/books/${id}`, {
          method: 'PATCH',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'if-match': book.etag },
          body: JSON.stringify({ price: book.price + 1 }),
        });
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`PATCH answered ${res.status}`);
        writeMs.push(performance.now() - t);
        books.set(id, { etag: res.headers.get('etag')!, price: book.price + 1 });
        await new Promise((r) => setTimeout(r, INTERVAL));
      }
      // The last write's projections run after its answer.
      await new Promise((r) => setTimeout(r, 300));
    };

    // First the writes alone, for the CPU they cost; then again beside the probe, for the stalls.
    const load = loadavg()[0]!.toFixed(1);
    const cpu0 = processCpuSeconds(server.pid);
    await writeAll();
    const cpu = processCpuSeconds(server.pid) - cpu0;
    let probing = true;
    const probeMs: number[] = [];
    const probe = (async () => {
      while (probing) {
        const t = performance.now();
        await fetch(`${base}/healthz`).then((r) => r.arrayBuffer());
        probeMs.push(performance.now() - t);
        await new Promise((r) => setTimeout(r, 1));
      }
    })();
    await writeAll();
    probing = false;
    await probe;
    await api(base, '/healthz');
    const f = (v: number) => v.toFixed(2);
    console.log(
      `${WRITES} writes every ${INTERVAL} ms: CPU ${f((cpu * 1000) / WRITES)} ms/write  PATCH p50 ${f(percentile(writeMs, 50))} / p99 ${f(percentile(writeMs, 99))} ms  ` +
        `healthz probe beside them (${probeMs.length}): p50 ${f(percentile(probeMs, 50))} / p99 ${f(percentile(probeMs, 99))} / max ${f(Math.max(...probeMs))} ms  load ${load}→${loadavg()[0]!.toFixed(1)}`,
    );
  } finally {
    await dispose();
  }
  if (profileDir) console.log(`profile: ${profileDir}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
