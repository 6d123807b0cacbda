import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp-dir.js';

describe("the HTTP function's stdout", () => {
  it('carries pino lines and EMF lines, each line one whole JSON object', () => {
    const dir = tempDir('bookstore-lambda-stdout-');
    try {
      const run = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./invoke-http-handler.ts', import.meta.url))], {
        env: { ...process.env, BOOKSTORE_DATA_DIR: dir.path, BOOKSTORE_LOG_LEVEL: 'info', BOOKSTORE_SCRYPT_COST: '16384' },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(run.status, run.stderr).toBe(0);
      expect(JSON.parse(run.stderr.trim().split('\n').at(-1)!)).toEqual({ answers: [201, 401, 200] });

      const lines = run.stdout.split('\n').filter((l) => l !== '');
      const objects = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      const emf = objects.filter((o) => '_aws' in o);
      const logs = objects.filter((o) => !('_aws' in o));
      expect(logs.length).toBeGreaterThan(0);
      for (const log of logs) expect(log).toMatchObject({ level: expect.any(Number), msg: expect.any(String) });
      // One document per invocation that counted something: the refused sign-in, then the search.
      expect(emf.map((o) => Object.keys(o).filter((k) => /^[A-Z]/.test(k)))).toEqual([['SignInFailures'], ['SearchLatency']]);
      for (const doc of emf) expect(doc).toMatchObject({ service: 'bookstore', _aws: { CloudWatchMetrics: [{ Namespace: 'Bookstore', Dimensions: [['service']] }] } });
    } finally {
      dir.remove();
    }
  });
});
