import { defineConfig } from 'vitest/config';

/** `npm run test:e2e`: the storefront in Debian's Chromium against the built server. Not part of `npm test`. */
export default defineConfig({
  test: {
    name: 'e2e',
    include: ['test/e2e/**/*.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // Every page signs up from 127.0.0.1: the per-address limits stay out of the way.
    env: { BOOKSTORE_LOGIN_ADDRESS_RATE_LIMIT: '100000', BOOKSTORE_SIGNUP_RATE_LIMIT: '100000' },
  },
});
