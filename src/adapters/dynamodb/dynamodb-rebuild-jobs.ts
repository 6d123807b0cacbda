import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { RebuildJob, RebuildJobs } from '../../ports/rebuild-jobs.js';
import { isConditionFailure, keys, type DocumentClientLike } from './dynamodb-items.js';

const FIELDS = ['projection', 'id', 'phase', 'staged', 'cursor', 'before', 'loaded', 'total', 'chunks', 'startedAt', 'updatedAt', 'leaseUntil', 'lastError', 'wantsWorker', 'revision'] as const;

/**
 * Rebuild jobs as one item per projection in the main table (`REBUILD#<projection>`), where every
 * runtime can read them: the rebuild and HTTP functions in the VPC, and a laptop with credentials.
 * The item has no `type`, so the stream consumers take it for bookkeeping and no change event comes
 * of it. Writes are conditional puts: `create` only over a finished job, `save` only over the revision
 * it read, so two invocations never both think they hold the job.
 */
export class DynamoRebuildJobs implements RebuildJobs {
  constructor(private readonly options: { client: DocumentClientLike; tableName: string }) {}

  async get(projection: string): Promise<RebuildJob | null> {
    const { Item: item } = await this.options.client.send(new GetCommand({ TableName: this.options.tableName, Key: keys.rebuildJob(projection), ConsistentRead: true }));
    if (!item) return null;
    const job = Object.fromEntries(FIELDS.map((f) => [f, item[f] ?? null])) as unknown as RebuildJob;
    return { ...job, wantsWorker: item.wantsWorker === true };
  }

  async create(job: RebuildJob): Promise<boolean> {
    const stored = await this.put({ ...job, revision: 0 }, 'attribute_not_exists(pk) OR #phase IN (:done, :failed)', { ':done': 'done', ':failed': 'failed' });
    return stored !== null;
  }

  async save(job: RebuildJob): Promise<RebuildJob | null> {
    return this.put({ ...job, revision: job.revision + 1 }, '#revision = :revision AND #id = :id', { ':revision': job.revision, ':id': job.id });
  }

  private async put(job: RebuildJob, condition: string, values: Record<string, unknown>): Promise<RebuildJob | null> {
    const names: Record<string, string> = {};
    if (condition.includes('#phase')) names['#phase'] = 'phase';
    if (condition.includes('#revision')) names['#revision'] = 'revision';
    if (condition.includes('#id')) names['#id'] = 'id';
    try {
      await this.options.client.send(
        new PutCommand({
          TableName: this.options.tableName,
          Item: { ...keys.rebuildJob(job.projection), ...job },
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return job;
    } catch (error) {
      if (isConditionFailure(error)) return null;
      throw error;
    }
  }
}
