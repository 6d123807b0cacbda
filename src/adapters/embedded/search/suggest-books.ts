import type { SearchDocument } from '../../../ports/search-index.js';
import { suggestionText, type SuggestionText } from '../../search-text/suggestions.js';
import type { AttributeListener } from './attribute-store.js';
import { RecentlyUsed } from './recently-used.js';

/** What a suggestion shows of a book, with its title and author names already split into terms. */
export interface SuggestBook {
  readonly id: string;
  readonly title: SuggestionText;
  readonly authors: readonly SuggestionText[];
  /** As the storefront shows them beside the title. */
  readonly authorNames: readonly string[];
  readonly coverUrl: string | null;
  readonly rating: number;
}

function suggestBook(doc: SearchDocument): SuggestBook {
  return {
    id: doc.id,
    title: suggestionText(doc.title),
    authors: doc.authors.map(suggestionText),
    authorNames: doc.authors,
    coverUrl: doc.coverUrl ?? null,
    rating: doc.rating,
  };
}

/**
 * The few fields of a book that suggestions read, kept for the books the suggestion lists name. A
 * suggestion looks at up to 150 books: read as whole books through the shared book cache they were a
 * third of its cost, since the lists of a thousand prefixes name far more books than that cache holds
 * (each miss parses a description and tokenizes it for the relevance rules). These entries are about
 * 750 bytes, so the books of every kept list fit.
 *
 * At most `capacity` books, the least recently used going first (the book cache's RecentlyUsed, one
 * unit of weight per book). Like the book cache it follows the attribute store's refresh: a written or
 * removed key is dropped, a reload drops everything.
 */
export class SuggestBooks implements AttributeListener {
  private readonly entries: RecentlyUsed<SuggestBook>;

  /** `read` gives the stored books under some keys (those still stored), in the current read snapshot. */
  constructor(
    capacity: number,
    private readonly read: (keys: readonly number[]) => Iterable<readonly [number, SearchDocument]>,
  ) {
    this.entries = new RecentlyUsed(capacity);
  }

  get size(): number {
    return this.entries.size;
  }

  /** The stored books under `keys` (distinct), in key order. Call inside the read transaction whose refresh this has followed. */
  get(keys: readonly number[]): SuggestBook[] {
    const found: Array<readonly [number, SuggestBook]> = [];
    const missing: number[] = [];
    for (const key of keys) {
      const book = this.entries.get(key);
      if (book === undefined) missing.push(key);
      else found.push([key, book]);
    }
    if (missing.length > 0) {
      for (const [key, doc] of this.read(missing)) {
        const book = suggestBook(doc);
        this.entries.set(key, book, 1);
        found.push([key, book]);
      }
      this.entries.trim();
    }
    // In key order, as SQLite read them before: among equal titles and ratings, the first stored is shown.
    return found.sort((a, b) => a[0] - b[0]).map(([, book]) => book);
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
