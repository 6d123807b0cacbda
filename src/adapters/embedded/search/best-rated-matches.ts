import type { SearchDocument } from '../../../ports/search-index.js';
import type { SqliteDatabase, SqliteStatement } from '../sqlite-database.js';
import type { AttributeListener, AttributeStore } from './attribute-store.js';
import { titleAndAuthors, type ColumnMatch, type TitleAndAuthors } from './column-match.js';
import { MatchingKeys } from './matching-keys.js';
import { LIVE_TABLES } from './schema.js';

const { fts: FTS } = LIVE_TABLES;
/** Matches kept per expression: more than asked, so writes can push some out before it must be read again. */
const DEPTH = 200;
/**
 * Expressions remembered (least recently used go first), each with at most DEPTH keys. Narrow ones
 * are kept too: a column filter (`title : forty*`) costs FTS5 the whole doclist of the prefix over
 * every column, descriptions included, however few titles it keeps.
 */
const CAPACITY = 10_000;
/** Changes kept for catching lists up; past this the older half goes, and lists not caught up since are read again. */
const LOG_LIMIT = 10_000;

interface Entry {
  /** The best matches by rating (ties by id) when the list was read or last caught up. */
  keys: number[];
  /** Rating and id of the last match read from FTS5; null when every match was read. */
  floor: { rating: number; id: string } | null;
  /** Position in the change log (counted from the first change ever logged) this list has caught up to. */
  at: number;
}

/**
 * The best-rated books matching an FTS5 expression, for search-as-you-type: a typed prefix such as
 * `the` matches most of the catalog, and reading every match to keep the best 50 cost tens of
 * milliseconds per keystroke. Each expression's best matches are kept, and kept exact under writes:
 * every book written or removed since a list was read is tested again and put in its place or taken
 * out; a list is read again only when what is left above the point it was read to is shorter than
 * asked. The test runs on the book's title and author terms (ColumnMatch), not in FTS5, which pays
 * a prefix's whole doclist for each changed row: catching up costs what the writes were, not what the
 * expression matches.
 */
export class BestRatedMatches implements AttributeListener {
  private readonly matching: MatchingKeys;
  private readonly matchingAmong: SqliteStatement;
  private readonly entries = new Map<string, Entry>();
  /** Keys written or removed, in order; `log[0]` is change number `logStart`. */
  private log: number[] = [];
  private logStart = 0;
  /** Title and author terms of logged keys as they are now (null: no longer stored), read once each. */
  private readonly words = new Map<number, TitleAndAuthors | null>();

  constructor(
    db: SqliteDatabase,
    private readonly attributesOf: () => AttributeStore,
    /** The stored book under a key, if any, in the current read snapshot. */
    private readonly bookOf: (key: number) => Pick<SearchDocument, 'title' | 'authors'> | undefined,
  ) {
    this.matching = new MatchingKeys(db);
    this.matchingAmong = db.prepare(`SELECT rowid FROM ${FTS} WHERE ${FTS} MATCH ? AND rowid IN (SELECT value FROM json_each(?))`).pluck();
  }

  /** The best `limit` (at most DEPTH) live books matching `query`. Call inside a read transaction with the attribute store refreshed. */
  get(query: ColumnMatch, limit: number): number[] {
    const { expression } = query;
    let entry = this.entries.get(expression);
    if (entry !== undefined) {
      this.entries.delete(expression);
      if (!this.catchUp(query, entry, limit)) entry = undefined;
    }
    entry ??= this.read(expression);
    this.entries.set(expression, entry);
    if (this.entries.size > CAPACITY) this.entries.delete(this.entries.keys().next().value!);
    return entry.keys.slice(0, limit);
  }

  private read(expression: string): Entry {
    const matches = this.matching.get(expression);
    const keys = this.attributesOf().page(matches, {}, 'rating', 0, DEPTH);
    const last = keys[keys.length - 1];
    const complete = matches.length <= DEPTH || last === undefined;
    return { keys, floor: complete ? null : { rating: this.attributesOf().ratingOf(last), id: this.attributesOf().idOf(last) }, at: this.logEnd };
  }

  private get logEnd(): number {
    return this.logStart + this.log.length;
  }

  /** Brings `entry` up to the current tables; false when it can no longer say the best `limit`. */
  private catchUp(query: ColumnMatch, entry: Entry, limit: number): boolean {
    if (entry.at === this.logEnd) return true;
    if (entry.at > this.logEnd || entry.at < this.logStart) return false;
    const changed = new Set(this.log.slice(entry.at - this.logStart));
    const stillMatching: number[] = [];
    const unsure: number[] = [];
    for (const key of changed) {
      const book = this.wordsOf(key);
      if (book === null) continue;
      const matches = query.matches(book);
      if (matches === null) unsure.push(key);
      else if (matches) stillMatching.push(key);
    }
    if (unsure.length > 0) stillMatching.push(...(this.matchingAmong.all(query.expression, JSON.stringify(unsure)) as number[]));
    const { floor } = entry;
    const unchanged = entry.keys.filter((k) => !changed.has(k));
    if (stillMatching.length === 0 && unchanged.length === entry.keys.length) {
      // None of the changed books is or becomes a match (most writes, for most lists): the list stands as it was.
      if (floor !== null && entry.keys.length < limit) return false;
      entry.at = this.logEnd;
      return true;
    }
    // The unchanged keep their order (their ratings and ids did not move); only the changed are placed.
    const keys = this.merge(unchanged, this.attributesOf().page(Int32Array.from(stillMatching), {}, 'rating', 0, stillMatching.length));
    if (floor !== null) {
      // Books not in the list and unchanged since it was read rank after the floor; those after it here may not be the next ones.
      let exact = 0;
      while (exact < keys.length && this.before(keys[exact]!, floor)) exact++;
      if (exact < limit) return false;
      keys.length = exact;
    }
    entry.keys = keys;
    entry.at = this.logEnd;
    return true;
  }

  private wordsOf(key: number): TitleAndAuthors | null {
    let words = this.words.get(key);
    if (words === undefined) {
      const book = this.bookOf(key);
      words = book === undefined ? null : titleAndAuthors(book);
      this.words.set(key, words);
    }
    return words;
  }

  /** Two lists in (rating descending, id) order as one. */
  private merge(a: readonly number[], b: readonly number[]): number[] {
    if (b.length === 0) return [...a];
    const attributes = this.attributesOf();
    const out: number[] = [];
    let i = 0;
    let j = 0;
    while (i < a.length && j < b.length) {
      const ra = attributes.ratingOf(a[i]!);
      const rb = attributes.ratingOf(b[j]!);
      const aFirst = ra !== rb ? ra > rb : attributes.idOf(a[i]!) < attributes.idOf(b[j]!);
      out.push(aFirst ? a[i++]! : b[j++]!);
    }
    while (i < a.length) out.push(a[i++]!);
    while (j < b.length) out.push(b[j++]!);
    return out;
  }

  /** Whether the live book `key` ranks at or before the floor (rating descending, then id). */
  private before(key: number, floor: { rating: number; id: string }): boolean {
    const rating = this.attributesOf().ratingOf(key);
    if (rating !== floor.rating) return rating > floor.rating;
    return this.attributesOf().idOf(key) <= floor.id;
  }

  reloaded(): void {
    this.entries.clear();
    this.log = [];
    this.logStart = 0;
    this.words.clear();
  }

  written(key: number): void {
    this.changed(key);
  }

  removed(key: number): void {
    this.changed(key);
  }

  refreshed(): void {}

  private changed(key: number): void {
    this.words.delete(key);
    if (this.entries.size === 0) return;
    if (this.log.length >= LOG_LIMIT) {
      const dropped = LOG_LIMIT / 2;
      this.log = this.log.slice(dropped);
      this.logStart += dropped;
      this.words.clear();
    }
    this.log.push(key);
  }
}
