import { validateBookInput, versionsFromIfMatch, type Book, type BookInput } from '../domain/book.js';
import { NotFoundError, PreconditionFailedError, ValidationError } from '../domain/errors.js';
import type { Catalog, CategoryCount } from '../ports/catalog.js';
import type { Page } from '../ports/page.js';

export interface CatalogDeps {
  catalog: Catalog;
}

export function catalogUseCases({ catalog }: CatalogDeps) {
  /**
   * The version an `If-Match` value expects: `*` means any existing version; a value naming another
   * book or malformed can never match, so it fails like a stale one.
   */
  async function expectedVersion(id: string, ifMatch: string): Promise<number | undefined> {
    const versions = versionsFromIfMatch(id, ifMatch);
    if (versions === 'any') return undefined;
    if (versions.length === 1) return versions[0];
    // A list: the write still compares one version, the current one if the list names it, so a
    // change in between fails the write as a stale single tag would.
    const current = await catalog.get(id);
    if (!current) throw new NotFoundError('book', id);
    if (versions.includes(current.version)) return current.version;
    throw new PreconditionFailedError('book', id, current.version);
  }

  return {
    async list(request: { category?: string | undefined; cursor?: string | undefined; limit: number }): Promise<Page<Book>> {
      return catalog.list(request);
    },

    async get(id: string): Promise<Book> {
      const book = await catalog.get(id);
      if (!book) throw new NotFoundError('book', id);
      return book;
    },

    async categories(): Promise<CategoryCount[]> {
      return catalog.categories();
    },

    async create(input: BookInput): Promise<Book> {
      return catalog.create(validateBookInput(input));
    },

    /** Changes some fields of a book if it is still at the version `ifMatch` names. */
    async update(id: string, patch: Partial<BookInput>, ifMatch: string): Promise<Book> {
      if (Object.keys(patch).length === 0) throw new ValidationError({ field: 'body', detail: 'must change at least one field' });
      const valid = validateBookInput(patch, true);
      return catalog.update(id, valid, await expectedVersion(id, ifMatch));
    },

    async remove(id: string, ifMatch: string): Promise<void> {
      await catalog.delete(id, await expectedVersion(id, ifMatch));
    },
  };
}
