import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runAudit } from '../../src/cli/audit-command.js';
import { openStore } from '../../src/composition.js';
import { loadConfig, type Config } from '../../src/config.js';
import { tempDir } from '../support/temp-dir.js';

/** `bookstore audit`'s exit codes over a real embedded store: 0 clean, 1 drift, 0 once repaired. */
describe('bookstore audit', () => {
  const dir = tempDir('bookstore-audit-cli-');
  let config: Config;
  let bookId = '';

  beforeAll(async () => {
    config = loadConfig({ BOOKSTORE_DATA_DIR: dir.path, BOOKSTORE_SCRYPT_COST: '16384' });
    const store = await openStore(config);
    try {
      const book = await store.catalog.create({
        isbn: '9780141439662', title: 'Sense and Sensibility', authors: ['Jane Austen'], category: 'Romance',
        description: 'Two sisters.', price: 999, currency: 'USD', coverUrl: null, rating: 4, year: 1811,
      });
      bookId = book.id;
      await store.projections.catchUp();
    } finally {
      await store.close();
    }
    vi.spyOn(console, 'table').mockImplementation(() => undefined);
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterAll(() => {
    vi.restoreAllMocks();
    dir.remove();
  });

  it('exits 0 without drift, 1 with drift, and 0 once --repair fixed it', async () => {
    expect(await runAudit(config, ['search', 'bestsellers', 'graph'], { repair: false })).toBe(0);

    const store = await openStore(config);
    await store.searchIndex.remove([{ id: bookId, version: 1 }]);
    await store.close();

    expect(await runAudit(config, ['search'], { repair: false })).toBe(1);
    expect(console.log).toHaveBeenCalledWith(`search: book ${bookId}: expected 1, found absent`);
    expect(await runAudit(config, ['search'], { repair: true })).toBe(0);
    expect(await runAudit(config, ['search'], { repair: false })).toBe(0);
  });
});
