import type { SearchDocument } from '../../../ports/search-index.js';
import { highlightSpans, type HighlightSpans } from '../../search-text/hit-highlights.js';
import { bookTerms, type BookTerms } from '../../search-text/relevance.js';
import type { AttributeListener } from './attribute-store.js';

/** A stored book, parsed once and frozen (answers share it), with its words as the relevance rules read them. */
export interface CachedBook {
  readonly doc: SearchDocument;
  readonly terms: BookTerms;
  /** Its words as the highlighter splits them, made the first time the book is on a page. */
  readonly spans: HighlightSpans;
}

/** A class rather than an object with getters: no closures per book, and one shape for them all. */
class Cached implements CachedBook {
  readonly terms: BookTerms;
  private words: HighlightSpans | null = null;

  constructor(readonly doc: SearchDocument) {
    this.terms = bookTerms(doc);
  }

  get spans(): HighlightSpans {
    return (this.words ??= highlightSpans(this.doc));
  }
}

/**
 * Heap bytes a cached book holds once its terms and spans are made: a fixed part and a part per
 * character of its text, rounded up from measurements (the generated books, about 280 characters,
 * hold 2.5 KB each with their spans; ten times their description, 12.5 KB). Text length is what
 * varies between books. Terms and spans as lists of small objects held 11 KB for the same books.
 */
const BYTES_PER_CHARACTER = 5;
const BYTES_PER_BOOK = 1536;

/** What `book` costs the cache, estimated from its text. */
export function cachedBookBytes(doc: SearchDocument): number {
  let characters = doc.title.length + doc.description.length + doc.category.length;
  for (const author of doc.authors) characters += author.length;
  return BYTES_PER_BOOK + BYTES_PER_CHARACTER * characters;
}

function frozen(doc: SearchDocument): SearchDocument {
  Object.freeze(doc.authors);
  return Object.freeze(doc);
}

/** A cached book in the recency list: most recently used at the head, the next to evict at the tail. */
interface Entry {
  readonly key: number;
  readonly book: CachedBook;
  readonly bytes: number;
  newer: Entry | null;
  older: Entry | null;
}

/**
 * The most recently read books, by document key. Every relevance search reorders its best 64 books
 * by rules that read their text: reading and JSON-parsing those bodies and tokenizing them again for
 * each query cost more than ranking. The same books come back across queries (the best matches of
 * common words), so each is read and tokenized once per version.
 *
 * It holds at most `maxBytes` of books (estimated from their text, see cachedBookBytes), least
 * recently used going first: a count alone let long descriptions (the spans and word sets are many
 * small objects per word) take hundreds of MiB.
 *
 * Recency is a list threaded through the entries, so a hit only relinks two entries. A Map kept in
 * use order (a delete and a set on every hit, `keys().next()` to find the oldest) cost more than the
 * reads it saved: V8 leaves a hole per delete that the oldest-key walk steps over until a rehash.
 *
 * It follows the attribute store's refresh, so an entry never outlives the row it was read from:
 * a written or removed key is dropped, a reload (rebuild) drops everything.
 */
export class BookCache implements AttributeListener {
  private readonly entries = new Map<number, Entry>();
  private newest: Entry | null = null;
  private oldest: Entry | null = null;
  private held = 0;

  constructor(private readonly maxBytes: number) {}

  /** The estimated bytes of the books held; never more than maxBytes once a `get` returns. */
  get bytes(): number {
    return this.held;
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * The books under `keys` (those still stored), reading the ones not cached with `read`. Call inside
   * the read transaction whose refresh this cache has followed.
   */
  get(keys: readonly number[], read: (keys: readonly number[]) => Map<number, SearchDocument>): Map<number, CachedBook> {
    const out = new Map<number, CachedBook>();
    let missing: number[] | null = null;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      const entry = this.entries.get(key);
      if (entry === undefined) {
        (missing ??= []).push(key);
        continue;
      }
      this.touch(entry);
      out.set(key, entry.book);
    }
    if (missing === null) return out;
    for (const [key, doc] of read(missing)) {
      const book = new Cached(frozen(doc));
      this.drop(key);
      const entry: Entry = { key, book, bytes: cachedBookBytes(doc), newer: null, older: null };
      this.entries.set(key, entry);
      this.link(entry);
      this.held += entry.bytes;
      out.set(key, book);
    }
    // The books just read stay out of the cache rather than evict each other when they alone exceed it.
    while (this.held > this.maxBytes && this.oldest !== null) this.drop(this.oldest.key);
    return out;
  }

  reloaded(): void {
    this.entries.clear();
    this.newest = this.oldest = null;
    this.held = 0;
  }

  written(key: number): void {
    this.drop(key);
  }

  removed(key: number): void {
    this.drop(key);
  }

  refreshed(): void {}

  private drop(key: number): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    this.unlink(entry);
    this.held -= entry.bytes;
  }

  /** Makes `entry` the most recently used. */
  private touch(entry: Entry): void {
    if (entry === this.newest) return;
    this.unlink(entry);
    this.link(entry);
  }

  private link(entry: Entry): void {
    entry.older = this.newest;
    entry.newer = null;
    if (this.newest !== null) this.newest.newer = entry;
    else this.oldest = entry;
    this.newest = entry;
  }

  private unlink(entry: Entry): void {
    if (entry.newer !== null) entry.newer.older = entry.older;
    else this.newest = entry.older;
    if (entry.older !== null) entry.older.newer = entry.newer;
    else this.oldest = entry.newer;
    entry.newer = entry.older = null;
  }
}
