import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

export default defineConfig({
  test: {
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    env: {
      // Hashing cost for tests only: the default (2^17) is right for production but slow for hundreds of sign-ups.
      BOOKSTORE_SCRYPT_COST: '16384',
      BOOKSTORE_LOG_LEVEL: 'silent',
      // Every test client is 127.0.0.1: the per-address limits stay out of the way unless a test sets them.
      BOOKSTORE_LOGIN_ADDRESS_RATE_LIMIT: '100000',
      BOOKSTORE_SIGNUP_RATE_LIMIT: '100000',
    },
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: ['test/**/*.test.ts'],
          // Engine suites need real services and e2e needs Chromium: each has its own command.
          exclude: ['test/engines/**', 'test/e2e/**', 'node_modules/**'],
        },
      },
      {
        extends: true,
        plugins: [react()],
        test: {
          name: 'web',
          include: ['web/test/**/*.test.{ts,tsx}'],
          environment: 'happy-dom',
          setupFiles: ['web/test/setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'infra',
          // The CDK app's template and cdk-nag tests: synthesis only, no AWS account and no Docker.
          include: ['infra/test/**/*.test.ts'],
          setupFiles: ['infra/test/support/own-temp-dir.ts'],
        },
      },
    ],
  },
});
