import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CatalogFileError, catalogFormat, MAX_ROW_BYTES, parseCatalog, rowToBook, type CatalogFormat, type ParsedRow } from '../../src/cli/import/parse-catalog.js';
import { ValidationError } from '../../src/domain/errors.js';

const HEADER = 'isbn,title,authors,category,description,price,currency,cover_url,rating,year';

/** Feeds the text in small chunks, so rows, lines and multi-byte characters straddle chunk boundaries. */
async function parseText(text: string, format: CatalogFormat, chunkSize = 7): Promise<ParsedRow[]> {
  const bytes = Buffer.from(text, 'utf8');
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunkSize) chunks.push(bytes.subarray(i, i + chunkSize));
  const rows: ParsedRow[] = [];
  for await (const row of parseCatalog(Readable.from(chunks), format)) rows.push(row);
  return rows;
}

async function fileError(text: string, format: CatalogFormat): Promise<CatalogFileError> {
  try {
    await parseText(text, format);
  } catch (e) {
    if (e instanceof CatalogFileError) return e;
    throw e;
  }
  throw new Error('expected a CatalogFileError');
}

const summary = (rows: ParsedRow[]) => rows.map((r) => ('book' in r ? [r.line, r.book.isbn] : [r.line, r.error]));

describe('CSV catalog parsing', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks', async () => {
    const rows = await parseText(
      [
        HEADER,
        '9780141439518,"Pride, and Prejudice",Jane Austen,Romance,"She said ""no"".',
        'Then, later, ""yes"".",8.99,USD,,4.5,1813',
      ].join('\n'),
      'csv',
    );
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row.line).toBe(2);
    expect('book' in row && row.book).toMatchObject({ title: 'Pride, and Prejudice', description: 'She said "no".\nThen, later, "yes".', price: 899 });
  });

  it('numbers rows by the physical line they start on, counting blank lines and multi-line fields', async () => {
    const rows = await parseText(
      [
        HEADER,
        '9780141439518,A,Au,Fiction,"one',
        'two',
        'three",1.00,USD,,,2000',
        '',
        '9780141439519,Bad check digit,Au,Fiction,,1.00,USD,,,2000',
        '9780141439471,C,Au,Fiction,,abc,USD,,,2000',
        '',
        '',
        '9780141439846,D,Au,Fiction,,1.00,USD,,,2000',
      ].join('\r\n'),
      'csv',
    );
    expect(summary(rows)).toEqual([
      [2, '9780141439518'],
      [6, expect.stringMatching(/^isbn: .*check digit/)],
      [7, expect.stringMatching(/^price: "abc" is not a decimal amount/)],
      [10, '9780141439846'],
    ]);
  });

  it('reports a row with the wrong number of fields', async () => {
    const rows = await parseText(`${HEADER}\n9780141439518,Emma,Jane Austen,Romance,A,B,8.99,USD,,4.2,1815\n`, 'csv');
    expect(summary(rows)).toEqual([[2, expect.stringContaining('has 11 fields but the header has 10')]]);
  });

  it('applies the defaults of optional columns and accepts them being absent', async () => {
    const rows = await parseText('ISBN, Title ,authors,category,price,year\n0-06-093434-4,Don Quixote,Miguel de Cervantes; Edith Grossman ;,Fiction,19.99,1605\n', 'csv');
    expect(rows[0]).toEqual({
      line: 2,
      book: {
        isbn: '9780060934347',
        title: 'Don Quixote',
        authors: ['Miguel de Cervantes', 'Edith Grossman'],
        category: 'Fiction',
        description: '',
        price: 1999,
        currency: 'USD',
        coverUrl: null,
        rating: 0,
        year: 1605,
      },
    });
  });

  it('strips a byte-order mark', async () => {
    const rows = await parseText(`\uFEFF${HEADER}\n9780141439518,P,A,Fiction,,1.00,USD,,,2000\n`, 'csv');
    expect(summary(rows)).toEqual([[2, '9780141439518']]);
  });

  it('rejects unknown, repeated and missing columns up front, naming them', async () => {
    const unknown = await fileError(`${HEADER},publisher,Pages\n9780141439518,P,A,F,,1.00,USD,,,2000,X,1\n`, 'csv');
    expect(unknown.message).toContain('unknown columns: "publisher", "pages"');
    const missing = await fileError('isbn,title,title,category\n', 'csv');
    expect(missing.message).toContain('repeated columns: title');
    expect(missing.message).toContain('missing columns: authors, price, year');
    expect((await fileError('', 'csv')).message).toContain('header row');
  });

  it('rejects the file at an unclosed quote or a row over 64 KiB', async () => {
    const unclosed = await fileError(`${HEADER}\n9780141439518,A,A,F,,1.00,USD,,,2000\n9780141439471,"P,A,F,,1.00,USD,,,2000\n9780141439846,C,A,F,,1.00,USD,,,2000\n`, 'csv');
    expect(unclosed.message).toBe('line 3: a quoted value is never closed');
    const stray = await fileError(`${HEADER}\r\n9780141439518,A,A,F,,1.00,USD,,,2000\r\n9780141439471,P "the" book,A,F,,1.00,USD,,,2000\r\n`, 'csv');
    expect(stray.message).toMatch(/^line 3: a quote appears inside an unquoted value/);
    const huge = await fileError(`${HEADER}\n9780141439518,P,A,F,"${'x'.repeat(MAX_ROW_BYTES)}",1.00,USD,,,2000\n`, 'csv');
    expect(huge.message).toContain('line 2: a row is longer than 64 KiB');
  });
});

describe('JSON Lines catalog parsing', () => {
  it('accepts authors as a list or a ;-separated string and prices as numbers or strings', async () => {
    const rows = await parseText(
      [
        '{"isbn":"9780141439518","title":"Pride and Prejudice","authors":["Jane Austen"],"category":"Romance","price":0.29,"year":1813}',
        '{"isbn":"0141439661","title":"Sense and Sensibility","authors":"Jane Austen; Ros Ballaster","category":"Romance","price":"9.99","currency":"jpy","year":"1811","rating":"4.1"}',
      ].join('\n'),
      'jsonl',
    );
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ line: 1, book: { authors: ['Jane Austen'], price: 29, currency: 'USD', description: '' } });
    // JPY has no decimals, so a price of 9.99 yen is wrong: the currency decides how a price is read.
    expect(summary(rows.slice(1))).toEqual([[2, expect.stringContaining('price: JPY has 0 decimal places')]]);
  });

  it('skips blank lines and reports bad lines by number without stopping', async () => {
    const good = '{"isbn":"9780141439518","title":"Ünïcödé “Title”","authors":["Jane Austen"],"category":"Romance","price":"8.99","year":1813}';
    const rows = await parseText(
      [good, '', '   ', '{"isbn": "9780141439518",', '[1,2]', '{"isbn":"9780141439471","title":"F","authors":["M"],"category":"X","price":1,"year":1818,"publisher":"P"}', `{"title":"${'x'.repeat(MAX_ROW_BYTES)}"}`, good].join('\r\n'),
      'jsonl',
      5,
    );
    expect(summary(rows)).toEqual([
      [1, '9780141439518'],
      [4, expect.stringContaining('is not valid JSON')],
      [5, expect.stringContaining('must be a JSON object')],
      [6, expect.stringContaining('unknown fields: "publisher"')],
      [7, 'is longer than 64 KiB'],
      [8, '9780141439518'],
    ]);
    expect('book' in rows[0]! && rows[0].book.title).toBe('Ünïcödé “Title”');
  });

  it('names each wrong field, with the file’s column names', async () => {
    const rows = await parseText('{"isbn":"123","title":7,"authors":[1],"category":"","price":"1.999","cover_url":"ftp://x","rating":9,"year":"soon"}\n', 'jsonl');
    const error = 'error' in rows[0]! ? rows[0].error : '';
    for (const field of ['isbn:', 'authors:', 'category:', 'price:', 'cover_url:', 'rating:', 'year:']) expect(error).toContain(field);
    expect(error).not.toContain('coverUrl');
  });
});

describe('rowToBook', () => {
  it('does not read a price whose currency is unknown', () => {
    try {
      rowToBook({ isbn: '9780141439518', title: 'T', authors: 'A', category: 'C', price: '1.00', currency: 'ABC', year: '2000' });
      throw new Error('expected a ValidationError');
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).issues.map((i) => i.field)).toEqual(['currency']);
    }
  });
});

describe('catalogFormat', () => {
  it('follows the extension unless told otherwise', () => {
    expect(catalogFormat('books.CSV')).toBe('csv');
    expect(catalogFormat('books.jsonl')).toBe('jsonl');
    expect(catalogFormat('books.ndjson')).toBe('jsonl');
    expect(catalogFormat('books.txt', 'csv')).toBe('csv');
    expect(() => catalogFormat('books.txt')).toThrow(CatalogFileError);
  });
});
