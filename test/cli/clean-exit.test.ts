import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/server-process.js';
import { tempDir } from '../support/temp-dir.js';

/**
 * Whatever Node runs the tests (CI runs them on 20, 22 and 24): each command of the embedded profile
 * ends with exit 0, no native abort (better-sqlite3 12 on Node 24 aborted `rebuild` at exit while
 * collecting statements) and no runtime warning (a process warning prints as "(node:<pid>) ...").
 */
const NOT_CLEAN = /\(node:\d+\)|Assertion failed|Native stack trace/;

describe(`the embedded CLI on Node ${process.version}`, () => {
  const dir = tempDir('bookstore-cli-exit-');
  afterAll(() => dir.remove());

  const catalog = join(dir.path, 'catalog.csv');
  writeFileSync(
    catalog,
    'isbn,title,authors,category,description,price,currency,cover_url,rating,year\n' +
      '9780141439662,Sense and Sensibility,Jane Austen,Romance,Two sisters face love and loss.,9.99,USD,,4.1,1811\n',
  );

  it.each([
    ['seed', ['seed', '--books', '60', '--users', '20', '--orders', '80', '--force']],
    ['import', ['import', catalog]],
    ['rebuild', ['rebuild', 'all']],
    ['status', ['status']],
    ['audit', ['audit', 'all']],
  ])('%s exits 0 without a warning or an abort', (_name, args) => {
    const result = runCli(join(dir.path, 'data'), args);
    expect(result.stderr).not.toMatch(NOT_CLEAN);
    expect(result.status).toBe(0);
  });

  it.each([
    [['audit', 'book-cache'], 'unknown store "book-cache"'],
    [['rebuild', 'everything'], 'unknown store "everything"'],
    [['seed', '--books', 'many'], "argument 'many' is invalid"],
    [['status', '--verbose'], "unknown option '--verbose'"],
    [['import'], "missing required argument 'file'"],
    [['restore'], "unknown command 'restore'"],
  ])('%j exits 2, a usage error, saying what was wrong', (args, message) => {
    const result = runCli(join(dir.path, 'data'), args);
    expect(result.stderr).toContain(message);
    expect(result.status).toBe(2);
  });

  it('--help exits 0', () => {
    const result = runCli(join(dir.path, 'data'), ['--help']);
    expect(result.stdout).toContain('Usage: bookstore');
    expect(result.status).toBe(0);
  });
});
