/**
 * The README's screenshots (docs/images/*.png), taken from the storefront as `npm start` shows it:
 * the built server (`npm run build` first) over a fresh demo store in a temp directory, in Debian's
 * Chromium at 1280×800, signed in as the demo customer where the page is a customer's.
 *
 *   npm run build && npx tsx scripts/readme-screenshots.ts [--out docs/images]
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { DESKTOP, launchBrowser } from '../test/e2e/support/browser.js';
import { settled } from '../test/e2e/support/pages.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const outIndex = process.argv.indexOf('--out');
const OUT = outIndex >= 0 ? process.argv[outIndex + 1]! : join(root, 'docs', 'images');

/** Each shot: the page, who looks at it, and the heading that says it has rendered. */
const SHOTS: Array<{ file: string; path: string; signedIn: boolean; ready: string }> = [
  { file: 'home.png', path: '/', signedIn: true, ready: 'Recommended for you' },
  { file: 'search.png', path: `/search?q=${encodeURIComponent('histroy of the')}`, signedIn: true, ready: 'Results for “histroy of the”' },
  { file: 'category.png', path: '/category/Fantasy?minRating=4&sort=price_asc', signedIn: false, ready: 'Fantasy' },
];

async function startDemoStore(dataDir: string): Promise<{ baseUrl: string; email: string; password: string; stop(): Promise<void> }> {
  const env = { ...process.env, BOOKSTORE_DATA_DIR: dataDir, BOOKSTORE_LOG_LEVEL: 'warn', HOST: '127.0.0.1', PORT: '0' };
  const child = spawn(process.execPath, [join(root, 'bin', 'bookstore.js'), 'serve', '--demo'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stderr.on('data', (d: Buffer) => process.stderr.write(d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const started = await new Promise<{ baseUrl: string; email: string; password: string }>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const url = /serving (http:\/\/\S+)/.exec(out);
      const demo = /Demo customer: (\S+) \/ (\S+)/.exec(out);
      if (url && demo) resolve({ baseUrl: url[1]!, email: demo[1]!, password: demo[2]! });
    });
    child.once('exit', (code) => reject(new Error(`the server exited with ${code} before serving:\n${out}`)));
  });
  return {
    ...started,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function signIn(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/signin`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.pathname === '/');
}

async function main(): Promise<void> {
  for (const built of ['dist/cli/main.js', 'dist/web/index.html']) {
    if (!existsSync(join(root, built))) throw new Error(`${built} is missing: run \`npm run build\` first`);
  }
  mkdirSync(OUT, { recursive: true });
  const dataDir = mkdtempSync(join(tmpdir(), 'bookstore-screenshots-'));
  console.error('Seeding the demo store and starting the server…');
  const store = await startDemoStore(dataDir);
  const browser = await launchBrowser();
  try {
    const visitor = await browser.context.newPage();
    const customer = await browser.context.newPage();
    await signIn(customer, store.baseUrl, store.email, store.password);
    for (const shot of SHOTS) {
      const page = shot.signedIn ? customer : visitor;
      await page.setViewportSize(DESKTOP);
      await page.goto(store.baseUrl + shot.path);
      await page.getByRole('heading', { name: shot.ready }).first().waitFor();
      await settled(page);
      // The viewport, not the full page: what a visitor sees first.
      await page.screenshot({ path: join(OUT, shot.file) });
      console.error(`${join(OUT, shot.file)}: ${shot.path}`);
    }
  } finally {
    await browser.close();
    await store.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  console.error('Run `npm run build` first; CHROMIUM_PATH points at another Chromium than /usr/bin/chromium.');
  process.exit(1);
});
