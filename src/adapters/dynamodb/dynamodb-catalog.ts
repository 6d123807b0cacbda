import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { randomBytes } from 'node:crypto';
import { bookInputOf, importedInput, nextBookVersion, sameBookInput, stockOf, titleSortKey, type Book, type BookInput } from '../../domain/book.js';
import { ConflictError, NotFoundError, PreconditionFailedError } from '../../domain/errors.js';
import { newId } from '../../domain/ids.js';
import type { Catalog, CategoryCount, UpsertSummary } from '../../ports/catalog.js';
import type { Page, PageRequest } from '../../ports/page.js';
import {
  queryPageAhead,
  batchGet,
  CATEGORY_COUNTERS,
  cancellationCodes,
  GSI1,
  GSI2,
  gsiValues,
  keys,
  lostRace,
  orderedKey,
  RETRY,
  withRetries,
  type DocumentClientLike,
  type DynamoSystemOfRecordOptions,
  type Item,
} from './dynamodb-items.js';
import { decodeCursor, encodeCursor } from '../page-cursor.js';

type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

/** One TransactWriteItems of an import: the rows from index `from` of its group, until the next batch's. */
interface ImportBatch {
  from: number;
  actions: TransactItem[];
  /** Counter deltas per category, merged because one transaction may not touch an item twice. */
  counts: Map<string, number>;
  summary: UpsertSummary;
}

/** DynamoDB allows 100 actions per TransactWriteItems. */
const MAX_TRANSACTION_ITEMS = 100;

/** A book item: the book's own fields as attributes, plus its keys and both listing index keys. */
export function bookItem(book: Book): Item {
  const sort = orderedKey(titleSortKey(book.title), book.id);
  return {
    ...keys.book(book.id),
    type: 'book',
    ...book,
    [`${GSI1}pk`]: gsiValues.allBooks,
    [`${GSI1}sk`]: sort,
    [`${GSI2}pk`]: gsiValues.category(book.category),
    [`${GSI2}sk`]: sort,
  };
}

export function bookFromItem(item: Item): Book {
  const b = item as unknown as Book;
  return {
    id: b.id,
    isbn: b.isbn,
    title: b.title,
    authors: b.authors,
    category: b.category,
    description: b.description,
    price: b.price,
    currency: b.currency,
    coverUrl: b.coverUrl,
    rating: b.rating,
    year: b.year,
    stock: stockOf(b),
    ...(b.reviewTotals ? { reviewTotals: { count: Number(b.reviewTotals.count), stars: Number(b.reviewTotals.stars), seededRating: Number(b.reviewTotals.seededRating) } } : {}),
    version: b.version,
    createdAt: b.createdAt,
    updatedAt: b.updatedAt,
  };
}

/**
 * The catalog on a DynamoDB table (docs/dynamodb.md). Every write is one TransactWriteItems: the book
 * item, its ISBN uniqueness item and the per-category counters move together, and the table's stream
 * carries the `book` change event. Listings read GSIs, which DynamoDB updates asynchronously: on AWS a
 * book written a moment ago may be missing from `list` and `categories` for a short while (reads by id
 * and ISBN are strongly consistent). Listing every book reads one GSI partition (`BOOKS`), which
 * bounds the write rate of the whole catalog to one partition's (about 1,000 writes a second).
 */
export class DynamoCatalog implements Catalog {
  private readonly client: DocumentClientLike;
  private readonly table: string;

  constructor(options: DynamoSystemOfRecordOptions) {
    this.client = options.client;
    this.table = options.tableName;
  }

  async create(input: BookInput): Promise<Book> {
    const now = new Date().toISOString();
    const book: Book = { id: newId(), ...bookInputOf(input), version: 1, createdAt: now, updatedAt: now };
    try {
      await this.transact([...this.insertActions(book), this.countAction(book.category, 1)]);
    } catch (error) {
      if (cancellationCodes(error)?.[1] === 'ConditionalCheckFailed') throw isbnTaken(book.isbn);
      throw error;
    }
    return book;
  }

  async get(id: string): Promise<Book | null> {
    const { Item: item } = await this.client.send(new GetCommand({ TableName: this.table, Key: keys.book(id), ConsistentRead: true }));
    return item ? bookFromItem(item) : null;
  }

  async getMany(ids: readonly string[]): Promise<Map<string, Book>> {
    const found = new Map<string, Book>();
    for (const item of await batchGet(this.client, this.table, [...new Set(ids)].map(keys.book))) {
      const book = bookFromItem(item);
      found.set(book.id, book);
    }
    return found;
  }

  async stockOf(ids: readonly string[]): Promise<Map<string, number | null>> {
    const found = new Map<string, number | null>();
    for (const item of await batchGet(this.client, this.table, [...new Set(ids)].map(keys.book), ['id', 'stock'])) {
      found.set(String(item.id), stockOf(item as { stock?: number | null }));
    }
    return found;
  }

  async findByIsbn(isbn: string): Promise<Book | null> {
    const { Item: pointer } = await this.client.send(new GetCommand({ TableName: this.table, Key: keys.isbn(isbn), ConsistentRead: true }));
    return pointer ? this.get(String(pointer.bookId)) : null;
  }

  async list(request: PageRequest & { category?: string | undefined }): Promise<Page<Book>> {
    const [index, partition] = request.category === undefined ? [GSI1, gsiValues.allBooks] : [GSI2, gsiValues.category(request.category)];
    const after = request.cursor === undefined ? undefined : decodeCursor(request.cursor, 2);
    const start: Item | undefined = after && {
      ...keys.book(after[1]!),
      [`${index}pk`]: partition,
      [`${index}sk`]: orderedKey(after[0]!, after[1]!),
    };
    const items = await queryPageAhead(
      this.client,
      {
        TableName: this.table,
        IndexName: index,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': `${index}pk` },
        ExpressionAttributeValues: { ':pk': partition },
      },
      start,
      request.limit,
    );
    const books = items.slice(0, request.limit).map(bookFromItem);
    const last = books.at(-1);
    return { items: books, nextCursor: items.length > request.limit && last ? encodeCursor([titleSortKey(last.title), last.id]) : null };
  }

  async categories(): Promise<CategoryCount[]> {
    const counts: CategoryCount[] = [];
    let start: Item | undefined;
    do {
      const out = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': CATEGORY_COUNTERS },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      // A counter that fell to zero stays behind (a transaction cannot delete what it just decremented).
      for (const item of out.Items ?? []) if (Number(item.books) > 0) counts.push({ name: String(item.sk), count: Number(item.books) });
      start = out.LastEvaluatedKey;
    } while (start);
    return counts;
  }

  async update(id: string, patch: Partial<BookInput>, expectedVersion?: number): Promise<Book> {
    return withRetries('book update', async () => {
      const current = await this.current(id, expectedVersion);
      const definedPatch = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<BookInput>;
      const input = bookInputOf({ ...current, ...definedPatch });
      if (sameBookInput(input, current)) return current;
      const book = nextBookVersion(current, input, new Date().toISOString());
      try {
        await this.transact(this.replaceActions(current, book));
        return book;
      } catch (error) {
        const codes = cancellationCodes(error);
        // With an ISBN change the actions are [book, old ISBN, new ISBN, ...counters].
        if (input.isbn !== current.isbn && codes?.[2] === 'ConditionalCheckFailed') throw isbnTaken(input.isbn);
        if (lostRace(codes)) return RETRY;
        throw error;
      }
    });
  }

  async delete(id: string, expectedVersion?: number): Promise<void> {
    await withRetries('book delete', async () => {
      const current = await this.current(id, expectedVersion);
      try {
        await this.transact([
          { Delete: { TableName: this.table, Key: keys.book(id), ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': current.version } } },
          { Delete: { TableName: this.table, Key: keys.isbn(current.isbn) } },
          this.countAction(current.category, -1),
        ]);
        return undefined;
      } catch (error) {
        if (lostRace(cancellationCodes(error))) return RETRY;
        throw error;
      }
    });
  }

  /**
   * Reads the stored books of a group of inputs by their ISBN items, then writes what changed in as
   * few TransactWriteItems as fit 100 actions each (a new book is two actions, a changed one one, plus
   * one counter per category touched). When a transaction loses a race with another writer, its rows
   * and the ones after it are read and decided again, so the summary describes what was written.
   */
  async upsertByIsbn(inputs: readonly BookInput[]): Promise<UpsertSummary> {
    const summary: UpsertSummary = { created: 0, updated: 0, unchanged: 0 };
    for (const group of groupsOfDistinctIsbns(inputs, MAX_TRANSACTION_ITEMS)) {
      let pending = group;
      await withRetries('book import', async () => {
        for (const batch of await this.planImport(pending)) {
          try {
            if (batch.actions.length > 0) await this.transact(batch.actions);
          } catch (error) {
            if (!lostRace(cancellationCodes(error))) throw error;
            pending = pending.slice(batch.from);
            return RETRY;
          }
          summary.created += batch.summary.created;
          summary.updated += batch.summary.updated;
          summary.unchanged += batch.summary.unchanged;
        }
        return undefined;
      });
    }
    return summary;
  }

  /** Decides each input against the stored book with its ISBN and packs the writes into transactions. */
  private async planImport(inputs: readonly BookInput[]): Promise<ImportBatch[]> {
    const pointers = await batchGet(this.client, this.table, inputs.map((i) => keys.isbn(i.isbn)));
    const stored = await this.getMany(pointers.map((p) => String(p.bookId)));
    const byIsbn = new Map([...stored.values()].map((b) => [b.isbn, b]));
    const nowMs = Date.now();
    const now = new Date(nowMs).toISOString();
    const random = randomBytes(10 * inputs.length);
    const batches: ImportBatch[] = [];
    let batch: ImportBatch | undefined;
    inputs.forEach((raw, i) => {
      const current = byIsbn.get(raw.isbn);
      const input = bookInputOf(importedInput(raw, current));
      const counts = new Map<string, number>();
      let actions: TransactItem[] = [];
      let outcome: keyof UpsertSummary = 'unchanged';
      if (current && !sameBookInput(input, current)) {
        const book = nextBookVersion(current, input, now);
        actions = this.replaceActions(current, book, counts);
        outcome = 'updated';
      } else if (!current) {
        const book: Book = { id: newId(nowMs, random.subarray(10 * i, 10 * i + 10)), ...input, version: 1, createdAt: now, updatedAt: now };
        actions = this.insertActions(book);
        counts.set(book.category, 1);
        outcome = 'created';
      }
      const newCounters = batch ? [...counts.keys()].filter((c) => !batch!.counts.has(c)).length : counts.size;
      if (!batch || batch.actions.length + actions.length + batch.counts.size + newCounters > MAX_TRANSACTION_ITEMS) {
        if (batch) batches.push(batch);
        batch = { from: i, actions: [], counts: new Map(), summary: { created: 0, updated: 0, unchanged: 0 } };
      }
      batch.actions.push(...actions);
      batch.summary[outcome]++;
      for (const [category, delta] of counts) batch.counts.set(category, (batch.counts.get(category) ?? 0) + delta);
    });
    if (batch) batches.push(batch);
    for (const b of batches) {
      for (const [category, delta] of b.counts) if (delta !== 0) b.actions.push(this.countAction(category, delta));
    }
    return batches;
  }

  private async current(id: string, expectedVersion: number | undefined): Promise<Book> {
    const book = await this.get(id);
    if (!book) throw new NotFoundError('book', id);
    if (expectedVersion !== undefined && expectedVersion !== book.version) throw new PreconditionFailedError('book', id, book.version);
    return book;
  }

  private insertActions(book: Book): TransactItem[] {
    return [
      { Put: { TableName: this.table, Item: bookItem(book), ConditionExpression: 'attribute_not_exists(pk)' } },
      { Put: { TableName: this.table, Item: { ...keys.isbn(book.isbn), type: 'isbn', bookId: book.id }, ConditionExpression: 'attribute_not_exists(pk)' } },
    ];
  }

  /**
   * The actions replacing `current` by `next`, guarded by the version that was read. A category
   * change adds counter actions, unless `counts` is given to collect the deltas (bulk import merges
   * them per transaction, as one transaction may not touch an item twice).
   */
  private replaceActions(current: Book, next: Book, counts?: Map<string, number>): TransactItem[] {
    const actions: TransactItem[] = [
      { Put: { TableName: this.table, Item: bookItem(next), ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': current.version } } },
    ];
    if (next.isbn !== current.isbn) {
      actions.push(
        { Delete: { TableName: this.table, Key: keys.isbn(current.isbn), ConditionExpression: 'bookId = :id', ExpressionAttributeValues: { ':id': current.id } } },
        { Put: { TableName: this.table, Item: { ...keys.isbn(next.isbn), type: 'isbn', bookId: next.id }, ConditionExpression: 'attribute_not_exists(pk)' } },
      );
    }
    if (next.category !== current.category) {
      if (counts) {
        counts.set(current.category, (counts.get(current.category) ?? 0) - 1);
        counts.set(next.category, (counts.get(next.category) ?? 0) + 1);
      } else actions.push(this.countAction(current.category, -1), this.countAction(next.category, 1));
    }
    return actions;
  }

  private countAction(category: string, delta: number): TransactItem {
    return {
      Update: {
        TableName: this.table,
        Key: keys.category(category),
        UpdateExpression: 'SET #type = :type ADD books :delta',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: { ':type': 'category', ':delta': delta },
      },
    };
  }

  private async transact(actions: TransactItem[]): Promise<void> {
    await this.client.send(new TransactWriteCommand({ TransactItems: actions }));
  }
}

function isbnTaken(isbn: string): ConflictError {
  return new ConflictError('isbn-taken', `another book already has ISBN ${isbn}`, 'isbn');
}

/**
 * Splits an import into groups a few transactions can write. An ISBN repeated within the input
 * starts a new group, so its second row is decided against what the first one wrote, as the
 * embedded adapter's row-by-row import does.
 */
function* groupsOfDistinctIsbns(inputs: readonly BookInput[], size: number): Generator<BookInput[]> {
  let group: BookInput[] = [];
  let isbns = new Set<string>();
  for (const input of inputs) {
    if (group.length === size || isbns.has(input.isbn)) {
      yield group;
      group = [];
      isbns = new Set();
    }
    group.push(input);
    isbns.add(input.isbn);
  }
  if (group.length > 0) yield group;
}
