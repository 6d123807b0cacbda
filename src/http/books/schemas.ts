import { Type, type Static } from 'typebox';
import { BOOK_LIMITS, type Book } from '../../domain/book.js';
import { MAX_PRICE_MINOR } from '../../domain/money.js';

const strict = { additionalProperties: false } as const;

export const BookId = Type.String({ minLength: 1, maxLength: 64, description: 'Book id' });

/** A book as the API shows it: no bookkeeping fields (the version travels in the ETag). */
export const BookJson = Type.Object(
  {
    id: Type.String(),
    isbn: Type.String({ description: 'ISBN-13, digits only' }),
    title: Type.String(),
    authors: Type.Array(Type.String()),
    category: Type.String(),
    description: Type.String(),
    price: Type.Integer({ description: 'Minor units of `currency` (cents for USD)' }),
    currency: Type.String({ description: 'ISO 4217 code' }),
    coverUrl: Type.Union([Type.String(), Type.Null()]),
    rating: Type.Number(),
    year: Type.Integer(),
  },
  strict,
);
export type BookJson = Static<typeof BookJson>;

export function toBookJson(book: Omit<Book, 'version' | 'createdAt' | 'updatedAt'>): BookJson {
  return {
    id: book.id,
    isbn: book.isbn,
    title: book.title,
    authors: book.authors,
    category: book.category,
    description: book.description,
    price: book.price,
    currency: book.currency,
    coverUrl: book.coverUrl,
    rating: book.rating,
    year: book.year,
  };
}

const bookFields = {
  isbn: Type.String({ minLength: 10, maxLength: 17, description: 'ISBN-10 or ISBN-13; hyphens and spaces allowed' }),
  title: Type.String({ minLength: 1, maxLength: BOOK_LIMITS.titleMax }),
  authors: Type.Array(Type.String({ minLength: 1, maxLength: BOOK_LIMITS.authorMax }), { minItems: 1, maxItems: BOOK_LIMITS.authorsMax }),
  category: Type.String({ minLength: 1, maxLength: BOOK_LIMITS.categoryMax }),
  description: Type.String({ maxLength: BOOK_LIMITS.descriptionMax }),
  price: Type.Integer({ minimum: 0, maximum: MAX_PRICE_MINOR, description: 'Minor units (cents): 1299 is 12.99' }),
  currency: Type.String({ pattern: '^[A-Z]{3}$' }),
  coverUrl: Type.Union([Type.String({ maxLength: BOOK_LIMITS.coverUrlMax }), Type.Null()]),
  rating: Type.Number({ minimum: 0, maximum: 5 }),
  year: Type.Integer({ minimum: BOOK_LIMITS.yearMin, maximum: BOOK_LIMITS.yearMax }),
};

export const CreateBookBody = Type.Object(
  { ...bookFields, description: Type.Optional(bookFields.description), coverUrl: Type.Optional(bookFields.coverUrl) },
  strict,
);

export const PatchBookBody = Type.Partial(Type.Object(bookFields, strict), { ...strict, minProperties: 1 });

export const BookParams = Type.Object({ id: BookId }, strict);

export const ListBooksQuery = Type.Object(
  {
    category: Type.Optional(Type.String({ minLength: 1, maxLength: BOOK_LIMITS.categoryMax })),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  },
  strict,
);

export const BookPage = Type.Object({ items: Type.Array(BookJson), nextCursor: Type.Union([Type.String(), Type.Null()]) }, strict);

export const CategoryList = Type.Object(
  { categories: Type.Array(Type.Object({ name: Type.String(), count: Type.Integer() }, strict)) },
  strict,
);

export const IfMatchHeaders = Type.Object({
  'if-match': Type.Optional(Type.String({ description: 'The ETag of the version you are changing (required)' })),
});

export const IfNoneMatchHeaders = Type.Object({
  'if-none-match': Type.Optional(Type.String()),
});
