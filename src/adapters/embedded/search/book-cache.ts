import type { SearchDocument } from '../../../ports/search-index.js';
import { highlightSpans, type HighlightSpans } from '../../search-text/hit-highlights.js';
import { bookTerms, type BookTerms } from '../../search-text/relevance.js';
import type { AttributeListener } from './attribute-store.js';
import { RecentlyUsed } from './recently-used.js';

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
 * It follows the attribute store's refresh, so an entry never outlives the row it was read from:
 * a written or removed key is dropped, a reload (rebuild) drops everything.
 */
export class BookCache implements AttributeListener {
  private readonly books: RecentlyUsed<CachedBook>;

  constructor(maxBytes: number) {
    this.books = new RecentlyUsed(maxBytes);
  }

  /** The estimated bytes of the books held; never more than maxBytes once a `get` returns. */
  get bytes(): number {
    return this.books.weight;
  }

  get size(): number {
    return this.books.size;
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
      const book = this.books.get(key);
      if (book === undefined) (missing ??= []).push(key);
      else out.set(key, book);
    }
    if (missing === null) return out;
    for (const [key, doc] of read(missing)) {
      const book = new Cached(frozen(doc));
      this.books.set(key, book, cachedBookBytes(doc));
      out.set(key, book);
    }
    // The books just read stay out of the cache rather than evict each other when they alone exceed it.
    this.books.trim();
    return out;
  }

  reloaded(): void {
    this.books.clear();
  }

  written(key: number): void {
    this.books.delete(key);
  }

  removed(key: number): void {
    this.books.delete(key);
  }

  refreshed(): void {}
}
