import { describe, expect, it } from 'vitest';
import { ConfigError, loadEnginesConfig } from '../../src/config.js';

const iam = {
  BOOKSTORE_REDIS_URL: 'rediss://bookstore-dev-abc.serverless.euw1.cache.amazonaws.com:6379',
  BOOKSTORE_REDIS_AUTH: 'iam',
  BOOKSTORE_REDIS_IAM_USER: 'bookstore-app',
  BOOKSTORE_REDIS_IAM_CACHE: 'bookstore-dev',
};

function failure(env: Record<string, string>): ConfigError {
  try {
    loadEnginesConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('Redis configuration of the engines profile', () => {
  it('defaults to one Redis server without IAM', () => {
    const config = loadEnginesConfig({});
    expect(config.redisMode).toBe('standalone');
    expect(config.redisIam).toBeNull();
  });

  it('takes cluster mode, and names the variable of a bad mode', () => {
    expect(loadEnginesConfig({ BOOKSTORE_REDIS_MODE: 'cluster' }).redisMode).toBe('cluster');
    const error = failure({ BOOKSTORE_REDIS_MODE: 'sharded' });
    expect(error.variable).toBe('BOOKSTORE_REDIS_MODE');
    expect(error.message).toContain('standalone, cluster');
  });

  it('reads the IAM user and cache, serverless off unless set', () => {
    expect(loadEnginesConfig(iam).redisIam).toEqual({ userId: 'bookstore-app', cacheName: 'bookstore-dev', serverless: false });
    expect(loadEnginesConfig({ ...iam, BOOKSTORE_REDIS_IAM_SERVERLESS: 'true' }).redisIam?.serverless).toBe(true);
  });

  it('names what IAM authentication is missing or gets wrong', () => {
    expect(failure({ ...iam, BOOKSTORE_REDIS_AUTH: 'token' }).variable).toBe('BOOKSTORE_REDIS_AUTH');
    expect(failure({ ...iam, BOOKSTORE_REDIS_IAM_USER: '' }).variable).toBe('BOOKSTORE_REDIS_IAM_USER');
    expect(failure({ ...iam, BOOKSTORE_REDIS_IAM_CACHE: '' }).variable).toBe('BOOKSTORE_REDIS_IAM_CACHE');
    expect(failure({ ...iam, BOOKSTORE_REDIS_IAM_CACHE: 'Bookstore_Dev' }).variable).toBe('BOOKSTORE_REDIS_IAM_CACHE');
    expect(failure({ ...iam, BOOKSTORE_REDIS_IAM_SERVERLESS: 'yes' }).variable).toBe('BOOKSTORE_REDIS_IAM_SERVERLESS');
    // A token is a credential: it never goes over a connection without TLS.
    expect(failure({ ...iam, BOOKSTORE_REDIS_URL: 'redis://127.0.0.1:6379' }).variable).toBe('BOOKSTORE_REDIS_URL');
  });
});
