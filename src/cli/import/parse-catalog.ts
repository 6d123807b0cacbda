import { extname } from 'node:path';
import { Transform, pipeline, type Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { validateBookInput, type BookInput } from '../../domain/book.js';
import { ValidationError, type FieldIssue } from '../../domain/errors.js';
import { isCurrencyCode, parseDecimalPrice } from '../../domain/money.js';

export type CatalogFormat = 'csv' | 'jsonl';

/** A row longer than this is rejected: no real book needs it, and it bounds the memory one row can take. */
export const MAX_ROW_BYTES = 64 * 1024;

export const CATALOG_COLUMNS = ['isbn', 'title', 'authors', 'category', 'description', 'price', 'currency', 'cover_url', 'rating', 'year'] as const;
export type CatalogColumn = (typeof CATALOG_COLUMNS)[number];
const REQUIRED_COLUMNS: readonly CatalogColumn[] = ['isbn', 'title', 'authors', 'category', 'price', 'year'];

/** The whole file is unusable (unknown or missing columns, broken CSV quoting): nothing should be imported. */
export class CatalogFileError extends Error {
  override readonly name = 'CatalogFileError';
}

/** One physical row of the file (line 1 is the CSV header), either a valid book or why it is not. */
export type ParsedRow = { line: number; book: BookInput } | { line: number; error: string };

export function catalogFormat(file: string, override?: CatalogFormat): CatalogFormat {
  if (override) return override;
  const ext = extname(file).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  throw new CatalogFileError(`cannot tell the format of "${file}" from its extension: use .csv, .jsonl or .ndjson, or pass --format csv|jsonl`);
}

/**
 * Streams catalog rows out of CSV or JSON Lines. Rows are validated one by one, so a bad row is
 * reported with its line and the rest still import; problems with the file as a whole throw
 * CatalogFileError. `onBytes` reports bytes read, for progress.
 */
export function parseCatalog(input: Readable, format: CatalogFormat, onBytes: (n: number) => void = () => {}): AsyncGenerator<ParsedRow> {
  if (format === 'csv') {
    const guard = new CsvRowGuard(onBytes);
    input.on('error', (e) => guard.destroy(e));
    return parseCsv(input.pipe(guard), guard);
  }
  const counted = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      onBytes(chunk.length);
      done(null, chunk);
    },
  });
  input.on('error', (e) => counted.destroy(e));
  return parseJsonLines(input.pipe(counted));
}

/**
 * Follows CSV record boundaries in the raw bytes (a line break outside quotes; doubled quotes keep
 * the count even) to stop at once, naming the line, when one record grows past MAX_ROW_BYTES:
 * usually a quote that is never closed, which would otherwise swallow the rest of the file into
 * memory. Cheaper than the parser's own limit, which checks every character.
 */
class CsvRowGuard extends Transform {
  private inQuotes = false;
  private rowBytes = 0;
  private line = 1;
  /** The line the record being read started on. */
  rowStartLine = 1;

  constructor(private readonly onBytes: (n: number) => void) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null, data?: Buffer) => void): void {
    this.onBytes(chunk.length);
    let pos = 0;
    let quote = chunk.indexOf(0x22);
    let newline = chunk.indexOf(0x0a);
    while (pos < chunk.length) {
      if (this.inQuotes) {
        const end = quote === -1 ? chunk.length : quote + 1;
        while (newline !== -1 && newline < end) {
          this.line++;
          newline = chunk.indexOf(0x0a, newline + 1);
        }
        this.rowBytes += end - pos;
        pos = end;
        if (quote !== -1) {
          this.inQuotes = false;
          quote = chunk.indexOf(0x22, pos);
        }
      } else if (newline !== -1 && (quote === -1 || newline < quote)) {
        this.line++;
        this.rowStartLine = this.line;
        this.rowBytes = 0;
        pos = newline + 1;
        newline = chunk.indexOf(0x0a, pos);
      } else {
        const end = quote === -1 ? chunk.length : quote + 1;
        this.rowBytes += end - pos;
        pos = end;
        if (quote !== -1) {
          this.inQuotes = true;
          quote = chunk.indexOf(0x22, pos);
        }
      }
      if (this.rowBytes > MAX_ROW_BYTES) {
        done(new CatalogFileError(`line ${this.rowStartLine}: a row is longer than ${MAX_ROW_BYTES / 1024} KiB (often a quote that is never closed)`));
        return;
      }
    }
    done(null, chunk);
  }
}

const CSV_PROBLEMS: Partial<Record<string, string>> = {
  CSV_QUOTE_NOT_CLOSED: 'a quoted value is never closed',
  CSV_INVALID_CLOSING_QUOTE: 'a closing quote is followed by other characters (write a quote inside a quoted value as "")',
  INVALID_OPENING_QUOTE: 'a quote appears inside an unquoted value (quote the whole value and write inner quotes as "")',
};

function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

async function* parseCsv(input: Readable, guard: CsvRowGuard): AsyncGenerator<ParsedRow> {
  // Blank lines come through as one empty field, so every physical line is accounted for: csv-parse's
  // own line numbers are wrong for CRLF files with multi-line values.
  const parser = parse({ bom: true, relax_column_count: true, skip_empty_lines: false });
  const records = pipeline(input, parser, () => {}) as AsyncIterable<string[]>;
  let header: CatalogColumn[] | null = null;
  let line = 1;
  try {
    for await (const record of records) {
      const start = line;
      for (const field of record) line += countNewlines(field);
      line++;
      if (record.length === 1 && record[0]!.trim() === '') continue;
      if (!header) {
        header = checkHeader(record.map((h) => h.trim().toLowerCase()), start);
        continue;
      }
      if (record.length !== header.length) {
        yield { line: start, error: `has ${record.length} fields but the header has ${header.length} (a comma in a value needs "quotes")` };
        continue;
      }
      const fields: Partial<Record<CatalogColumn, string>> = {};
      header.forEach((column, i) => (fields[column] = record[i]));
      yield toParsedRow(start, fields);
    }
  } catch (e) {
    if (!(e instanceof CsvError)) throw e;
    // At the end of the file the guard has seen where the unclosed record began; other errors are
    // found as the parser reads, so its own line count is the one that matches.
    const at = e.code === 'CSV_QUOTE_NOT_CLOSED' ? guard.rowStartLine : e.lines;
    throw new CatalogFileError(`line ${String(at)}: ${CSV_PROBLEMS[e.code] ?? e.message}`, { cause: e });
  }
  if (!header) throw new CatalogFileError(`the file is empty: a header row naming the columns is required (${CATALOG_COLUMNS.join(',')})`);
}

function checkHeader(names: string[], line: number): CatalogColumn[] {
  const known = new Set<string>(CATALOG_COLUMNS);
  const unknown = names.filter((n) => !known.has(n));
  const duplicated = names.filter((n, i) => names.indexOf(n) !== i);
  const missing = REQUIRED_COLUMNS.filter((c) => !names.includes(c));
  const problems: string[] = [];
  if (unknown.length > 0) problems.push(`unknown columns: ${unknown.map((n) => `"${n}"`).join(', ')}`);
  if (duplicated.length > 0) problems.push(`repeated columns: ${[...new Set(duplicated)].join(', ')}`);
  if (missing.length > 0) problems.push(`missing columns: ${missing.join(', ')}`);
  if (problems.length > 0) {
    throw new CatalogFileError(`line ${line} (header): ${problems.join('; ')}. Allowed columns: ${CATALOG_COLUMNS.join(', ')}; required: ${REQUIRED_COLUMNS.join(', ')}`);
  }
  return names as CatalogColumn[];
}

/** Splits bytes into lines without ever holding more than one bounded line, so an endless line cannot exhaust memory. */
async function* boundedLines(input: AsyncIterable<Buffer>): AsyncGenerator<{ line: number; text: string | null }> {
  let parts: Buffer[] = [];
  let size = 0;
  let tooLong = false;
  let line = 1;
  const finish = () => {
    let text = tooLong ? null : Buffer.concat(parts, size).toString('utf8').replace(/\r$/, '');
    if (line === 1 && text !== null) text = text.replace(/^\uFEFF/, '');
    parts = [];
    size = 0;
    tooLong = false;
    return { line: line++, text };
  };
  for await (const chunk of input) {
    let start = 0;
    for (let nl = chunk.indexOf(0x0a); nl !== -1; nl = chunk.indexOf(0x0a, start)) {
      append(chunk.subarray(start, nl));
      yield finish();
      start = nl + 1;
    }
    append(chunk.subarray(start));
  }
  if (size > 0 || tooLong) yield finish();

  function append(piece: Buffer) {
    if (tooLong || piece.length === 0) return;
    if (size + piece.length > MAX_ROW_BYTES) {
      tooLong = true;
      parts = [];
      size = 0;
      return;
    }
    parts.push(piece);
    size += piece.length;
  }
}

async function* parseJsonLines(input: Readable): AsyncGenerator<ParsedRow> {
  for await (const { line, text } of boundedLines(input)) {
    if (text === null) {
      yield { line, error: `is longer than ${MAX_ROW_BYTES / 1024} KiB` };
      continue;
    }
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      yield { line, error: `is not valid JSON (${(e as Error).message})` };
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      yield { line, error: 'must be a JSON object such as {"isbn": "…", "title": "…"}' };
      continue;
    }
    const unknown = Object.keys(value).filter((k) => !(CATALOG_COLUMNS as readonly string[]).includes(k));
    if (unknown.length > 0) {
      yield { line, error: `unknown fields: ${unknown.map((k) => `"${k}"`).join(', ')} (allowed: ${CATALOG_COLUMNS.join(', ')})` };
      continue;
    }
    yield toParsedRow(line, value as Partial<Record<CatalogColumn, unknown>>);
  }
}

function toParsedRow(line: number, fields: Partial<Record<CatalogColumn, unknown>>): ParsedRow {
  try {
    return { line, book: rowToBook(fields) };
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    return { line, error: e.issues.map((i) => `${columnOf(i.field)}: ${i.detail}`).join('; ') };
  }
}

/** The domain names fields in camelCase; the file's columns are what the user sees. */
function columnOf(field: string): string {
  return field === 'coverUrl' ? 'cover_url' : field;
}

/** Empty cells and absent keys mean the same thing: not given. */
function given(value: unknown): boolean {
  return value !== undefined && value !== null && !(typeof value === 'string' && value.trim() === '');
}

function asText(value: unknown, field: CatalogColumn, issues: FieldIssue[]): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  issues.push({ field, detail: 'must be text' });
  return undefined;
}

function asNumber(value: unknown, field: CatalogColumn, pattern: RegExp, what: string, issues: FieldIssue[]): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && pattern.test(value.trim())) return Number(value.trim());
  issues.push({ field, detail: `${JSON.stringify(value)} is not ${what}` });
  return undefined;
}

/**
 * Turns one row (CSV cells, or a JSON object's values) into a validated BookInput, throwing a
 * ValidationError that lists every wrong field. Optional columns: description (default empty),
 * currency (default USD), cover_url (default none), rating (default 0).
 */
export function rowToBook(fields: Partial<Record<CatalogColumn, unknown>>): BookInput {
  const issues: FieldIssue[] = [];
  const input: Partial<BookInput> = {};
  for (const column of REQUIRED_COLUMNS) {
    if (!given(fields[column])) issues.push({ field: column, detail: 'is required' });
  }

  if (given(fields.isbn)) input.isbn = asText(fields.isbn, 'isbn', issues);
  if (given(fields.title)) input.title = asText(fields.title, 'title', issues);
  if (given(fields.category)) input.category = asText(fields.category, 'category', issues);
  input.description = given(fields.description) ? asText(fields.description, 'description', issues) : '';
  input.coverUrl = given(fields.cover_url) ? (asText(fields.cover_url, 'cover_url', issues)?.trim() ?? null) : null;

  const authors = fields.authors;
  if (Array.isArray(authors)) {
    if (authors.every((a) => typeof a === 'string')) input.authors = authors.map((a) => a.trim()).filter((a) => a !== '');
    else issues.push({ field: 'authors', detail: 'must be a list of names' });
  } else if (given(authors)) {
    const text = asText(authors, 'authors', issues);
    if (text !== undefined) input.authors = text.split(';').map((a) => a.trim()).filter((a) => a !== '');
  }

  const currency = given(fields.currency) ? (asText(fields.currency, 'currency', issues)?.trim().toUpperCase() ?? 'USD') : 'USD';
  if (isCurrencyCode(currency)) {
    input.currency = currency;
    if (given(fields.price)) {
      const text = asText(fields.price, 'price', issues);
      if (text !== undefined) {
        try {
          input.price = parseDecimalPrice(text, currency);
        } catch (e) {
          if (e instanceof ValidationError) issues.push(...e.issues);
          else throw e;
        }
      }
    }
  } else {
    // Without a currency the number of decimal places is unknown, so the price cannot be read either.
    issues.push({ field: 'currency', detail: `"${currency}" is not an ISO 4217 currency code such as USD` });
  }

  input.rating = given(fields.rating) ? asNumber(fields.rating, 'rating', /^\d+(\.\d+)?$/, 'a number from 0 to 5', issues) : 0;
  if (given(fields.year)) input.year = asNumber(fields.year, 'year', /^-?\d{1,4}$/, 'a year such as 1999', issues);

  // Only the fields that parsed are checked here, so each problem is reported once.
  const present = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as Partial<BookInput>;
  let checked: Partial<BookInput> = present;
  try {
    checked = validateBookInput(present, true);
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    issues.push(...e.issues);
  }
  if (issues.length > 0) throw new ValidationError(issues);
  return checked as BookInput;
}
