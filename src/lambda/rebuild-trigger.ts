/**
 * The event filter of the rebuild function's mapping on the table's stream, in Lambda's filter pattern
 * syntax (infra/lib/compute/rebuild-invocation.ts builds the mapping with it): a rebuild job item
 * (`REBUILD#<projection>`, src/adapters/dynamodb/dynamodb-items.ts) saved as wanting a worker, that is,
 * created, resumed or handed over for time. Every other change of the table (the store's own, and a
 * worker's saves of its progress) is dropped by Lambda before it invokes, and costs nothing.
 * Kept free of imports: the CDK app reads it.
 */
export const REBUILD_TRIGGER_PATTERN = {
  eventName: ['INSERT', 'MODIFY'],
  dynamodb: {
    Keys: { pk: { S: [{ prefix: 'REBUILD#' }] } },
    NewImage: { wantsWorker: { BOOL: [true] } },
  },
};
