import { ScanCommand, type ScanCommandInput, type ScanCommandOutput } from '@aws-sdk/lib-dynamodb';
import type { Snapshot, SnapshotSource, Snapshots } from '../../ports/change-feed.js';
import { bookFromItem } from './dynamodb-catalog.js';
import { friendshipFromItem } from './dynamodb-friendships.js';
import type { Item } from './dynamodb-items.js';
import { orderFromItem } from './dynamodb-orders.js';
import { reviewFromItem } from './dynamodb-reviews.js';
import { userFromItem } from './dynamodb-users.js';

export interface ScanClientLike {
  send(command: ScanCommand): Promise<ScanCommandOutput>;
}

const TYPE_OF: Record<SnapshotSource, string> = { books: 'book', users: 'user', orders: 'order', friendships: 'friendship', reviews: 'review' };

/**
 * Snapshots of a DynamoDB table by strongly consistent Scan. DynamoDB has no point-in-time read of a
 * whole table (short of an export to S3), so a scan sees each item as of the moment it reads it: every
 * write committed before `open` is included, and a write during the scan may be seen or not. That is
 * enough for a rebuild, because the runner takes the stream position before the scan and replays from
 * it; the projections are idempotent and version-guarded, so every item converges to its latest state.
 * Streams have no single numbered position, so `position` is 0 here; the runner keeps the per-shard one.
 */
export class DynamoSnapshots implements Snapshots {
  constructor(
    private readonly client: ScanClientLike,
    private readonly tableName: string,
    /** Parallel scan segments; more segments read a large table faster at the same total cost. */
    private readonly segments = 4,
  ) {}

  async open(): Promise<Snapshot> {
    const scan = (source: SnapshotSource) => this.scan(source);
    const count = (source: SnapshotSource) => this.count(source);
    return {
      position: 0,
      books: () => mapped(scan('books'), bookFromItem),
      users: () => mapped(scan('users'), userFromItem),
      orders: () => mapped(scan('orders'), orderFromItem),
      friendships: () => mapped(scan('friendships'), friendshipFromItem),
      reviews: () => mapped(scan('reviews'), reviewFromItem),
      count,
      close: async () => undefined,
    };
  }

  filter(source: SnapshotSource): Pick<ScanCommandInput, 'FilterExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'> {
    return { FilterExpression: '#type = :type', ExpressionAttributeNames: { '#type': 'type' }, ExpressionAttributeValues: { ':type': TYPE_OF[source] } };
  }

  /** Every item of the source's type, reading the segments in parallel a page at a time. */
  private async *scan(source: SnapshotSource): AsyncIterable<Item> {
    const segmentPages = Array.from({ length: this.segments }, (_, segment) => this.segmentPages(source, segment));
    // Read the segments side by side: each round asks every unfinished segment for its next page.
    let active = segmentPages.map((pages) => pages[Symbol.asyncIterator]());
    while (active.length > 0) {
      const rounds = await Promise.all(active.map((it) => it.next()));
      const next: typeof active = [];
      for (const [i, round] of rounds.entries()) {
        if (round.done) continue;
        yield* round.value;
        next.push(active[i]!);
      }
      active = next;
    }
  }

  private async *segmentPages(source: SnapshotSource, segment: number): AsyncIterable<Item[]> {
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.client.send(
        new ScanCommand({ TableName: this.tableName, ConsistentRead: true, Segment: segment, TotalSegments: this.segments, ExclusiveStartKey: start, ...this.filter(source) }),
      );
      yield out.Items ?? [];
      start = out.LastEvaluatedKey;
    } while (start);
  }

  async count(source: SnapshotSource): Promise<number> {
    let total = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.client.send(new ScanCommand({ TableName: this.tableName, ConsistentRead: true, Select: 'COUNT', ExclusiveStartKey: start, ...this.filter(source) }));
      total += out.Count ?? 0;
      start = out.LastEvaluatedKey;
    } while (start);
    return total;
  }
}

async function* mapped<T>(items: AsyncIterable<Item>, to: (item: Item) => T): AsyncIterable<T> {
  for await (const item of items) yield to(item);
}
