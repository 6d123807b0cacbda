/**
 * `npx tsx bench/chunked-rebuild.ts [--books N] [--chunk N,N…]`: how fast the rebuild function's
 * chunks go on the engines running here, and what that makes of a 1M-book catalog. Several chunk sizes
 * rebuild the same loaded store one after the other, so the fixed cost of a chunk (its requests) and
 * the cost per book can be told apart.
 *
 * Loads N books (default 10000) into a store with names of its own on the running engines (removed at
 * the end), as the items the catalog writes (each book and its ISBN claim, by BatchWriteItem: the
 * catalog's own transactions would take many minutes on a DynamoDB Local that has served test suites;
 * the stream records of the load are not needed by a rebuild), then rebuilds the search index one chunk per `work` call, as the rebuild function's
 * invocations do, timing each chunk (read a page of the table, load it into the staged index, save the
 * job) and the switch at the end. Prints the figures and the extrapolation; numbers only, no verdict.
 */
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { parseArgs } from 'node:util';
import { bookItem } from '../src/adapters/dynamodb/dynamodb-catalog.js';
import { keys } from '../src/adapters/dynamodb/dynamodb-items.js';
import { documentClient } from '../src/adapters/dynamodb/dynamodb-tables.js';
import { newId } from '../src/domain/ids.js';
import { openStore } from '../src/composition.js';
import { loadConfig } from '../src/config.js';
import { freshEnginesEnv, removeEngineResources } from '../test/support/engine-resources.js';
import { bookInput } from '../test/conformance/system-of-record.js';

const { values } = parseArgs({ options: { books: { type: 'string', default: '10000' }, chunk: { type: 'string', default: '2000' } } });
const books = Number(values.books);
const chunkSizes = values.chunk.split(',').map(Number);
const env = freshEnginesEnv();
const openWithChunks = (chunk: number) => openStore(loadConfig({ ...process.env, ...env, BOOKSTORE_REBUILD_CHUNK_SIZE: String(chunk) }));
const store = await openWithChunks(chunkSizes[0]!);

// Stopped early (Ctrl-C, a timeout): the store's names on the shared engines are removed all the same.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void removeEngineResources(env).finally(() => process.exit(130)));
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;

try {
  const loadStarted = Date.now();
  const low = new DynamoDBClient({ endpoint: store.config.engines!.dynamodbEndpoint!, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const documents = documentClient(low);
  const table = store.config.engines!.dynamodbTable;
  const now = new Date().toISOString();
  for (let from = 0; from < books; from += 12) {
    const items = Array.from({ length: Math.min(12, books - from) }, (_, i) => {
      const input = bookInput(from + i + 1, { description: `A bench book, number ${from + i + 1}, with a description of ordinary length for a catalog entry.` });
      const book = { ...input, stock: input.stock ?? null, id: newId(), version: 1, createdAt: now, updatedAt: now };
      return [bookItem(book), { ...keys.isbn(book.isbn), type: 'isbn', bookId: book.id }];
    }).flat();
    let request: BatchWriteCommand['input']['RequestItems'] = { [table]: items.map((Item) => ({ PutRequest: { Item } })) };
    while (request && Object.keys(request).length > 0) request = (await documents.send(new BatchWriteCommand({ RequestItems: request }))).UnprocessedItems;
    if (from % 1200 === 0) process.stderr.write(`loaded ${from + 12}/${books} books (${((Date.now() - loadStarted) / 1000).toFixed(0)} s)\n`);
  }
  // The category counter the catalog would have kept: the rebuild counts books by it.
  await documents.send(new BatchWriteCommand({ RequestItems: { [table]: [{ PutRequest: { Item: { ...keys.category('Fiction'), type: 'category', books } } }] } }));
  low.destroy();
  for (const chunk of chunkSizes) {
    const sized = await openWithChunks(chunk);
    try {
      const rebuilds = sized.rebuilds!;
      const { job } = await rebuilds.start('search');
      const chunkMs: number[] = [];
      let switchMs = 0;
      let handover = job.revision;
      const started = Date.now();
      for (;;) {
        const at = Date.now();
        const { outcome, job: after } = await rebuilds.work('search', job.id, { deadline: Date.now() + 3_600_000, handover, maxChunks: 1 });
        const ms = Date.now() - at;
        if (outcome === 'done') {
          // The last page and the switch can come in one call: count that page as a chunk too.
          if (after!.chunks > chunkMs.length) chunkMs.push(ms);
          switchMs = ms;
          break;
        }
        if (outcome !== 'more') throw new Error(`unexpected outcome ${outcome}`);
        chunkMs.push(ms);
        handover = after!.revision;
      }
      const totalMs = Date.now() - started;
      const sorted = [...chunkMs].sort((a, b) => a - b);
      const loaded = (await rebuilds.progress()).get('search')!.loaded;
      const booksPerSecond = loaded / (chunkMs.reduce((a, b) => a + b, 0) / 1000);
      const millionSeconds = 1_000_000 / booksPerSecond;
      const perInvocationSeconds = 15 * 60 - 30;
      console.log(
        JSON.stringify({
          books: loaded,
          chunkSize: chunk,
          booksPerChunk: Math.round(loaded / chunkMs.length),
          chunks: chunkMs.length,
          chunkMs: { p50: percentile(sorted, 0.5), p90: percentile(sorted, 0.9), max: sorted.at(-1) },
          chunksPerSecond: +(chunkMs.length / (chunkMs.reduce((a, b) => a + b, 0) / 1000)).toFixed(2),
          booksPerSecond: Math.round(booksPerSecond),
          switchMs,
          totalSeconds: +(totalMs / 1000).toFixed(1),
          extrapolated1M: { minutes: +(millionSeconds / 60).toFixed(1), invocationsOf15Minutes: Math.ceil(millionSeconds / perInvocationSeconds) },
        }),
      );
    } finally {
      await sized.close();
    }
  }
} finally {
  await store.close();
  await removeEngineResources(env);
}
