#!/usr/bin/env node
// The published entry point runs the compiled CLI; `npm install` builds it through the `prepare` script.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  console.error('bookstore: the compiled CLI is missing (dist/cli/main.js). Run `npm install` or `npm run build` first.');
  process.exit(1);
}
await import(main.href);
