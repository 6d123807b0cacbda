import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/engines/**', 'node_modules/**'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    env: {
      // Hashing cost for tests only: the default (2^17) is right for production but slow for hundreds of sign-ups.
      BOOKSTORE_SCRYPT_COST: '16384',
      BOOKSTORE_LOG_LEVEL: 'silent',
    },
  },
});
