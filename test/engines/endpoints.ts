/**
 * Where the engine suites find the engines: the same variables and defaults as `npm run engines`,
 * so a suite runs against whatever `npm run engines -- up` started (or against AWS endpoints when set).
 */
const port = (variable: string, fallback: number) => Number(process.env[variable] || fallback);

export const endpoints = {
  dynamodb: process.env.BOOKSTORE_DYNAMODB_ENDPOINT || `http://127.0.0.1:${port('BOOKSTORE_DYNAMODB_PORT', 8000)}`,
  opensearch: process.env.BOOKSTORE_OPENSEARCH_URL || `http://127.0.0.1:${port('BOOKSTORE_OPENSEARCH_PORT', 9200)}`,
  redis: process.env.BOOKSTORE_REDIS_URL || `redis://127.0.0.1:${port('BOOKSTORE_REDIS_PORT', 6379)}`,
  gremlin: process.env.BOOKSTORE_GREMLIN_URL || `ws://127.0.0.1:${port('BOOKSTORE_GREMLIN_PORT', 8182)}/gremlin`,
  cognito: process.env.BOOKSTORE_COGNITO_ENDPOINT || `http://127.0.0.1:${port('BOOKSTORE_COGNITO_PORT', 5000)}`,
} as const;

/** A name no other test run uses, for tables, indexes, key prefixes and graph partitions. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
