import { Type, type Static } from 'typebox';
import { BOOK_LIMITS, BOOK_TEXT, type Book } from '../../domain/book.js';
import { textSchema } from '../text-schema.js';
import { component, nullableField } from '../responses.js';
import { MAX_PRICE_MINOR } from '../../domain/money.js';

const strict = { additionalProperties: false } as const;

/** What `new URL()` accepts as http(s) with a host name: the domain's own check, as a schema. */
const HTTP_URL_PATTERN = '^https?://([A-Za-z0-9-]+\\.)*[A-Za-z][A-Za-z0-9-]*(:[0-9]{1,4})?([/?#][!-~]*)?$';

/** Cursors are opaque: pass `nextCursor` back unchanged. A cursor made or changed by hand is refused (422). */
export const cursorParam = () =>
  Type.String({
    minLength: 1,
    maxLength: 512,
    pattern: '^[A-Za-z0-9_-]+$',
    description: 'Opaque (base64url): the `nextCursor` of the previous page, passed back unchanged; any other value is refused (422)',
  });

/** ISO 4217 (three capital letters of a currency the runtime knows; an unknown code such as AAA is 422). */
export const currencyParam = (description = 'ISO 4217 currency code, such as USD, EUR or JPY') => Type.String({ pattern: '^[A-Z]{3}$', description, examples: ['USD'] });

/** The ids the store hands out (ULIDs, UUIDs): letters, digits, `-` and `_`. */
export const ID_PATTERN = '^[A-Za-z0-9_-]+$';

export const BookId = Type.String({ minLength: 1, maxLength: 64, pattern: ID_PATTERN, description: 'Book id' });

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
    currency: currencyParam(),
    coverUrl: nullableField(Type.String()),
    rating: Type.Number({ description: 'The average of its visible reviews (one decimal) once it has any; the catalog rating until then' }),
    year: Type.Integer(),
    stock: Type.Optional(
      nullableField(Type.Integer({ minimum: 0 }), {
        description: 'Copies on hand; null when the shop does not count this book (it sells without limit).',
      }),
    ),
    reviewCount: Type.Optional(Type.Integer({ minimum: 0, description: 'Visible reviews; absent in search hits, which do not carry it' })),
  },
  strict,
);
export type BookJson = Static<typeof BookJson>;

export const BookComponent = component('Book', BookJson);



export function toBookJson(book: Omit<Book, 'version' | 'createdAt' | 'updatedAt' | 'stock'> & { stock?: number | null }): BookJson {
  return { ...toSearchBookJson(book), reviewCount: book.reviewTotals?.count ?? 0 };
}

/** A search hit's book: search documents carry no review totals (no `reviewCount`); `stock` is read from the catalog. */
export function toSearchBookJson(book: Omit<Book, 'version' | 'createdAt' | 'updatedAt' | 'stock'> & { stock?: number | null }, stock = book.stock): BookJson {
  // One literal of one shape, stock set after: a spread into the literal made every hit's object a slow clone.
  const json: BookJson = {
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
  if (stock !== undefined) json.stock = stock;
  return json;
}

const bookFields = {
  isbn: Type.String({
    minLength: 10,
    maxLength: 17,
    pattern: '^[0-9Xx -]+$',
    description: 'ISBN-10 or ISBN-13; hyphens and spaces allowed; a wrong check digit is refused (422)',
    examples: ['978-0-441-17271-9'],
  }),
  title: textSchema(BOOK_TEXT.title, { examples: ['Dune'] }),
  authors: Type.Array(textSchema(BOOK_TEXT.author), { minItems: 1, maxItems: BOOK_LIMITS.authorsMax, examples: [['Frank Herbert']] }),
  category: textSchema(BOOK_TEXT.category, { examples: ['Science Fiction'] }),
  description: textSchema(BOOK_TEXT.description),
  price: Type.Integer({ minimum: 0, maximum: MAX_PRICE_MINOR, description: 'Minor units (cents): 1299 is 12.99' }),
  currency: currencyParam(),
  coverUrl: Type.Union([Type.String({ maxLength: BOOK_LIMITS.coverUrlMax, pattern: HTTP_URL_PATTERN, description: 'An http(s) URL' }), Type.Null()]),
  rating: Type.Number({ minimum: 0, maximum: 5 }),
  year: Type.Integer({ minimum: BOOK_LIMITS.yearMin, maximum: BOOK_LIMITS.yearMax }),
  stock: Type.Union([Type.Integer({ minimum: 0, maximum: BOOK_LIMITS.stockMax, description: 'Copies on hand' }), Type.Null()], {
    description: 'Copies on hand, or null to sell without counting (the default for a new book)',
  }),
};

export const CreateBookBody = Type.Object(
  { ...bookFields, description: Type.Optional(bookFields.description), coverUrl: Type.Optional(bookFields.coverUrl), stock: Type.Optional(bookFields.stock) },
  strict,
);

export const PatchBookBody = Type.Partial(Type.Object(bookFields, strict), { ...strict, minProperties: 1 });

export const BookParams = Type.Object({ id: BookId }, strict);

export const ListBooksQuery = Type.Object(
  {
    category: Type.Optional(textSchema(BOOK_TEXT.category)),
    cursor: Type.Optional(cursorParam()),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  },
  strict,
);

export const BookPage = Type.Object({ items: Type.Array(BookComponent.ref), nextCursor: Type.Union([Type.String(), Type.Null()]) }, strict);

export const CategoryList = Type.Object(
  { categories: Type.Array(Type.Object({ name: Type.String(), count: Type.Integer() }, strict)) },
  strict,
);

/** Required: a missing If-Match is 428 Precondition Required (RFC 6585), a stale or weak one 412. */
export const IfMatchHeaders = Type.Object({
  'if-match': Type.String({
    minLength: 1,
    maxLength: 1024,
    description: 'The ETag of the version you are changing, a list of ETags, or `*`; a weak ETag (W/"…") never matches (RFC 9110 §13.1.1)',
    examples: ['"01JD3Y8M0T5Q2W9X7C4B6N1R8K.v1"'],
  }),
}, { required: ['if-match'] });

export const IfNoneMatchHeaders = Type.Object({
  'if-none-match': Type.Optional(Type.String({ maxLength: 1024, description: 'ETags you hold: 304 when the book is still one of them' })),
});
