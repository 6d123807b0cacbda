import { defineConfig } from 'vitest/config';

/** Every test client is 127.0.0.1: the per-address limits stay out of the way unless a test sets them. */
const CLIENT_LIMITS_OFF = { BOOKSTORE_LOGIN_ADDRESS_RATE_LIMIT: '100000', BOOKSTORE_SIGNUP_RATE_LIMIT: '100000' };

const shared = {
  pool: 'forks' as const,
  // One engine of each kind serves every file: run files one at a time so load stays predictable.
  fileParallelism: false,
  testTimeout: 60_000,
  hookTimeout: 120_000,
};

/**
 * The suites that need real engines (`npm run test:engines` starts them first): the conformance
 * suites over the engine adapters, then the whole API suite again on the engines profile.
 */
export default defineConfig({
  test: {
    ...shared,
    projects: [
      {
        test: {
          ...shared,
          name: 'engines',
          include: ['test/engines/**/*.test.ts'],
          env: { BOOKSTORE_SCRYPT_COST: '16384', BOOKSTORE_LOG_LEVEL: 'silent', ...CLIENT_LIMITS_OFF },
        },
      },
      {
        test: {
          ...shared,
          name: 'api-on-engines',
          include: ['test/api/**/*.test.ts'],
          // The web app is the same code on either profile (S3 + CloudFront on AWS); embedded-only.test.ts says why it is.
          exclude: ['test/api/web-app.test.ts', 'test/api/embedded-only.test.ts'],
          env: { BOOKSTORE_TEST_PROFILE: 'engines', BOOKSTORE_SCRYPT_COST: '16384', BOOKSTORE_LOG_LEVEL: 'silent', ...CLIENT_LIMITS_OFF },
        },
      },
    ],
  },
});
