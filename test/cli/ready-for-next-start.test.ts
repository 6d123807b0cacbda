/**
 * A CLI command that writes many changes (import, seed, rebuild) leaves the embedded search index's
 * snapshot (search.db.ranking) at the tables' generation and seq, so the next `serve` restores it
 * as it is instead of catching up every row the command changed (a seed's stock on every book) or
 * reading every stored book (a rebuild's new tables) before it can say it is ready.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteSearchIndex } from '../../src/adapters/embedded/sqlite-search-index.js';
import { readRankingSnapshot } from '../../src/adapters/embedded/search/ranking-index/ranking-snapshot.js';
import { META } from '../../src/adapters/embedded/search/schema.js';
import { runImport } from '../../src/cli/import-command.js';
import { runRebuild } from '../../src/cli/rebuild-command.js';
import { runSeed } from '../../src/cli/seed-command.js';
import { loadConfig } from '../../src/config.js';
import { tempDir } from '../support/temp-dir.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
const SEED = { books: 40, users: 10, orders: 30, seed: 7, force: true };

const dirs: Array<ReturnType<typeof tempDir>> = [];
afterEach(() => {
  process.exitCode = undefined;
  dirs.splice(0).forEach((d) => d.remove());
});

function dataDir() {
  const dir = tempDir('bookstore-next-start-');
  dirs.push(dir);
  return { path: dir.path, config: loadConfig({ BOOKSTORE_DATA_DIR: dir.path, BOOKSTORE_SCRYPT_COST: '16384' }) };
}

/** The snapshot's generation and seq beside the tables', then how a fresh index (a restart) loads and what it finds. */
async function nextStart(dir: string, q: string) {
  const file = join(dir, 'search.db');
  const snapshot = readRankingSnapshot(`${file}.ranking`);
  const index = SqliteSearchIndex.open(file);
  try {
    const meta = (name: string) => index.db.prepare(`SELECT value FROM ${META} WHERE name = ?`).pluck().get(name) as number;
    const found = await index.search({ q, sort: 'relevance', limit: 5 });
    return {
      snapshot: snapshot && { generation: snapshot.generation, seq: snapshot.seq },
      tables: { generation: meta('generation'), seq: meta('seq') },
      load: index.rankingLoad?.source,
      titles: found.hits.map((h) => h.book.title),
    };
  } finally {
    await index.close();
  }
}

describe('the search snapshot a CLI command leaves', { timeout: 60_000 }, () => {
  it('is at the tables seq after a seed into an empty directory', async () => {
    const { path, config } = dataDir();
    await runSeed(config, SEED);
    const start = await nextStart(path, 'pride prejudice');
    expect(start.snapshot).toEqual(start.tables);
    expect(start.load).toBe('snapshot');
    expect(start.titles[0]).toBe('Pride and Prejudice');
  });

  it('is at the tables seq after a seed on top of an import, past the import\'s', async () => {
    const { path, config } = dataDir();
    await runImport(config, fixture('catalog-sample.csv'), {});
    const imported = await nextStart(path, 'quixote');
    // The seed's orders change stock, which the search index records: its seq moves past the import's.
    await runSeed(config, { books: 20, users: 4, orders: 12, seed: 7, force: true });
    const start = await nextStart(path, 'quixote');
    expect(start.tables.seq).toBeGreaterThan(imported.snapshot!.seq);
    expect(start.snapshot!.seq).toBe(start.tables.seq);
  });

  it('is of the new tables after a rebuild', async () => {
    const { path, config } = dataDir();
    await runImport(config, fixture('catalog-sample.csv'), {});
    const before = await nextStart(path, 'quixote');
    await runRebuild(config, ['search']);
    const start = await nextStart(path, 'quixote');
    expect(start.tables.generation).toBe(before.tables.generation + 1);
    expect(start.snapshot).toEqual(start.tables);
    expect(start.load).toBe('snapshot');
    expect(start.titles).toEqual(['Don Quixote']);
  });
});
