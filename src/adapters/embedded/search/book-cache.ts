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

function cachedBook(doc: SearchDocument): CachedBook {
  let spans: HighlightSpans | undefined;
  return {
    doc,
    terms: bookTerms(doc),
    get spans() {
      return (spans ??= highlightSpans(doc));
    },
  };
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
 * It follows the attribute store's refresh, so an entry never outlives the row it was read from:
 * a written or removed key is dropped, a reload (rebuild) drops everything.
 */
export class BookCache implements AttributeListener {
  private readonly entries = new Map<number, CachedBook>();

  constructor(private readonly capacity: number) {}

  /**
   * The books under `keys` (those still stored), reading the ones not cached with `read`. Call inside
   * the read transaction whose refresh this cache has followed.
   */
  get(keys: readonly number[], read: (keys: readonly number[]) => Map<number, SearchDocument>): Map<number, CachedBook> {
    const out = new Map<number, CachedBook>();
    const missing: number[] = [];
    for (const key of keys) {
      const book = this.entries.get(key);
      if (book === undefined) {
        missing.push(key);
        continue;
      }
      // Least recently used goes first: a hit moves to the back.
      this.entries.delete(key);
      this.entries.set(key, book);
      out.set(key, book);
    }
    if (missing.length === 0) return out;
    for (const [key, doc] of read(missing)) {
      const book = cachedBook(frozen(doc));
      this.entries.set(key, book);
      out.set(key, book);
    }
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return out;
  }

  reloaded(): void {
    this.entries.clear();
  }

  written(key: number): void {
    this.entries.delete(key);
  }

  removed(key: number): void {
    this.entries.delete(key);
  }

  refreshed(): void {}
}
