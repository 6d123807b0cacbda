import { defineConfig } from 'vitest/config';

/** The suites that need real engines (`npm run test:engines` starts them first). */
export default defineConfig({
  test: {
    include: ['test/engines/**/*.test.ts'],
    pool: 'forks',
    // One engine of each kind serves every file: run files one at a time so load stays predictable.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    env: {
      BOOKSTORE_SCRYPT_COST: '16384',
      BOOKSTORE_LOG_LEVEL: 'silent',
    },
  },
});
