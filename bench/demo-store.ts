/**
 * The demo store `npm start` serves, on a free port in a throwaway data directory, with the pages the
 * Lighthouse scripts measure: for bench/lighthouse-demo.ts and bench/lighthouse-diagnose.ts.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../scripts/free-port.js';

const root = fileURLToPath(new URL('..', import.meta.url));
// Right after the first start the projections are still catching up on the freshly seeded demo and
// take the CPU Lighthouse measures blocking time with: give them the time a visitor would not notice.
const SETTLE_MS = 15_000;

export interface DemoPage {
  /** Short name (home, search, book, category) and the label the tables print. */
  name: string;
  label: string;
  url: string;
}

/** Starts the demo store, waits until it is ready and settled, runs `use`, then stops it and removes its data. */
export async function withDemoStore<T>(use: (store: { base: string; pages: DemoPage[] }) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'bookstore-lighthouse-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = { ...process.env, BOOKSTORE_DATA_DIR: dir, PORT: String(port), HOST: '127.0.0.1', BOOKSTORE_LOG_LEVEL: 'warn' };
  const server = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--demo'], { cwd: root, env, stdio: 'ignore' });
  try {
    console.error('seeding the demo store and waiting for /readyz');
    let ready = false;
    for (let i = 0; i < 240 && !ready; i++) {
      ready = await fetch(`${base}/readyz`).then((r) => r.status === 200, () => false);
      if (!ready) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    if (!ready) throw new Error('the demo server was not ready within 2 minutes');
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const { items } = (await (await fetch(`${base}/api/v1/books?limit=1`)).json()) as { items: Array<{ id: string }> };
    const pages: DemoPage[] = [
      { name: 'home', label: 'home', url: `${base}/` },
      { name: 'search', label: 'search (/search?q=history)', url: `${base}/search?q=history` },
      { name: 'book', label: 'book', url: `${base}/books/${items[0]!.id}` },
      { name: 'category', label: 'category (/category/Fantasy)', url: `${base}/category/Fantasy` },
    ];
    return await use({ base, pages });
  } finally {
    // Wait for the server to be gone: removing its data folder while it still writes there fails (ENOTEMPTY).
    if (server.exitCode === null && server.signalCode === null) {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill();
      await exited;
    }
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  }
}
