import { QueryCommand, ScanCommand, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import type { Book } from '../../domain/book.js';
import type { RecordPages, SnapshotSource } from '../../ports/change-feed.js';
import { bookFromItem } from './dynamodb-catalog.js';
import { CATEGORY_COUNTERS } from './dynamodb-items.js';
import { DynamoSnapshots, type ScanClientLike } from './dynamodb-snapshots.js';

/** Per scan segment: where it goes on (a LastEvaluatedKey), null before its first page, false once read to the end. */
type SegmentPosition = Record<string, unknown> | null | false;

function encode(segments: SegmentPosition[]): string {
  return Buffer.from(JSON.stringify(segments)).toString('base64url');
}

function decode(cursor: string, segments: number): SegmentPosition[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new Error('a record page cursor is not one this adapter wrote');
  }
  if (!Array.isArray(parsed) || parsed.length !== segments) throw new Error(`a record page cursor must hold ${segments} scan segments`);
  return parsed as SegmentPosition[];
}

/**
 * The table read a page at a time by a parallel Scan whose position (each segment's LastEvaluatedKey)
 * is the cursor, so the next page may be read by another process: the next invocation of the rebuild
 * function. Strongly consistent, as the snapshots: every write acknowledged before a page is read is in
 * it, at that version or a newer one. `limit` is what each page evaluates (DynamoDB's Limit counts
 * items before the type filter), so a page may hold fewer books than `limit`, even none, before the end.
 */
export interface PagesClientLike extends ScanClientLike {
  send(command: ScanCommand): ReturnType<ScanClientLike['send']>;
  send(command: QueryCommand): Promise<QueryCommandOutput>;
}

export class DynamoRecordPages implements RecordPages {
  private readonly counts: DynamoSnapshots;

  constructor(
    private readonly client: PagesClientLike,
    private readonly tableName: string,
    /** Parallel scan segments; part of the cursor, so a job must be resumed with the same number. */
    private readonly segments = 4,
  ) {
    this.counts = new DynamoSnapshots(client, tableName, segments);
  }

  async books(cursor: string | null, limit: number): Promise<{ items: Book[]; next: string | null }> {
    const positions = cursor === null ? Array.from({ length: this.segments }, (): SegmentPosition => null) : decode(cursor, this.segments);
    const perSegment = Math.max(1, Math.ceil(limit / this.segments));
    const pages = await Promise.all(
      positions.map(async (position, segment) => {
        if (position === false) return { items: [], position };
        const out = await this.client.send(
          new ScanCommand({
            TableName: this.tableName,
            ConsistentRead: true,
            Segment: segment,
            TotalSegments: this.segments,
            Limit: perSegment,
            ...(position ? { ExclusiveStartKey: position } : {}),
            ...this.counts.filter('books'),
          }),
        );
        return { items: (out.Items ?? []).map(bookFromItem), position: (out.LastEvaluatedKey ?? false) as SegmentPosition };
      }),
    );
    const next = pages.map((p) => p.position);
    return { items: pages.flatMap((p) => p.items), next: next.every((p) => p === false) ? null : encode(next) };
  }

  /**
   * Books are counted from the per-category counters the catalog keeps in its transactions (one small
   * Query), not by a Scan: on a large catalog a counting Scan reads as much as the rebuild itself.
   */
  async count(source: SnapshotSource): Promise<number> {
    if (source !== 'books') return this.counts.count(source);
    let total = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': CATEGORY_COUNTERS },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of out.Items ?? []) total += Number(item.books ?? 0);
      start = out.LastEvaluatedKey;
    } while (start);
    return total;
  }
}
