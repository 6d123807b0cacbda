import type { SqliteDatabase, SqliteStatement } from '../sqlite-database.js';
import type { AttributeListener, AttributeStore } from './attribute-store.js';
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
/** Changes kept for catching lists up; past this, every list is read again from FTS5. */
const LOG_LIMIT = 10_000;

interface Entry {
  /** The best matches by rating (ties by id) when the list was read or last caught up. */
  keys: number[];
  /** Rating and id of the last match read from FTS5; null when every match was read. */
  floor: { rating: number; id: string } | null;
  /** Position in the change log this list has caught up to. */
  at: number;
}

/**
 * The best-rated books matching an FTS5 expression, for search-as-you-type: a typed prefix such as
 * `the` matches most of the catalog, and reading every match to keep the best 50 cost tens of
 * milliseconds per keystroke. Each expression's best matches are kept, and kept exact under writes:
 * every book written or removed since a list was read is asked of FTS5 again (one query on those
 * keys alone) and put in its place or taken out; a list is read again only when what is left above
 * the point it was read to is shorter than asked.
 */
export class BestRatedMatches implements AttributeListener {
  private readonly matching: MatchingKeys;
  private readonly matchingAmong: SqliteStatement;
  private readonly entries = new Map<string, Entry>();
  private log: number[] = [];

  constructor(
    db: SqliteDatabase,
    private readonly attributesOf: () => AttributeStore,
  ) {
    this.matching = new MatchingKeys(db);
    this.matchingAmong = db.prepare(`SELECT rowid FROM ${FTS} WHERE ${FTS} MATCH ? AND rowid IN (SELECT value FROM json_each(?))`).pluck();
  }

  /** The best `limit` (at most DEPTH) live books matching `expression`. Call inside a read transaction with the attribute store refreshed. */
  get(expression: string, limit: number): number[] {
    let entry = this.entries.get(expression);
    if (entry !== undefined) {
      this.entries.delete(expression);
      if (!this.catchUp(expression, entry, limit)) entry = undefined;
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
    return { keys, floor: complete ? null : { rating: this.attributesOf().ratingOf(last), id: this.attributesOf().idOf(last) }, at: this.log.length };
  }

  /** Brings `entry` up to the current tables; false when it can no longer say the best `limit`. */
  private catchUp(expression: string, entry: Entry, limit: number): boolean {
    if (entry.at === this.log.length) return true;
    if (entry.at > this.log.length) return false;
    const changed = new Set(this.log.slice(entry.at));
    const stillMatching = this.matchingAmong.all(expression, JSON.stringify([...changed])) as number[];
    const candidates = [...entry.keys.filter((k) => !changed.has(k)), ...stillMatching];
    const keys = this.attributesOf().page(Int32Array.from(candidates), {}, 'rating', 0, candidates.length);
    const { floor } = entry;
    if (floor !== null) {
      // Books not in the list and unchanged since it was read rank after the floor; those after it here may not be the next ones.
      let exact = 0;
      while (exact < keys.length && this.before(keys[exact]!, floor)) exact++;
      if (exact < limit) return false;
      keys.length = exact;
    }
    entry.keys = keys;
    entry.at = this.log.length;
    return true;
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
  }

  written(key: number): void {
    this.changed(key);
  }

  removed(key: number): void {
    this.changed(key);
  }

  refreshed(): void {}

  private changed(key: number): void {
    if (this.entries.size === 0) return;
    if (this.log.length >= LOG_LIMIT) {
      this.entries.clear();
      this.log = [];
      return;
    }
    this.log.push(key);
  }
}
