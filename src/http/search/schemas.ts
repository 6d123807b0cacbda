import { Type } from 'typebox';
import { BOOK_TEXT } from '../../domain/book.js';
import { MAX_PRICE_MINOR } from '../../domain/money.js';
import { SEARCH_TEXT } from '../../app/search.js';
import { SEARCH_MAX_PAGE } from '../../ports/search-index.js';
import { BookComponent, cursorParam } from '../books/schemas.js';
import { nullableField } from '../responses.js';
import { textSchema } from '../text-schema.js';

const strict = { additionalProperties: false } as const;

export const SearchQueryString = Type.Object(
  {
    q: Type.Optional(
      textSchema(SEARCH_TEXT, { description: 'Free text; typos are tolerated; query syntax (quotes, *, AND, NEAR, parentheses) is searched for as text', examples: ['dune'] }),
    ),
    category: Type.Optional(textSchema(BOOK_TEXT.category)),
    minPrice: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_PRICE_MINOR, description: 'Minor units, inclusive' })),
    maxPrice: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_PRICE_MINOR, description: 'Minor units, inclusive' })),
    minRating: Type.Optional(Type.Number({ minimum: 0, maximum: 5 })),
    sort: Type.Optional(
      Type.Enum(['relevance', 'price_asc', 'price_desc', 'rating', 'newest'], { type: 'string', default: 'relevance' }),
    ),
    autocorrect: Type.Optional(
      Type.Boolean({
        default: true,
        description:
          'false searches the words exactly as typed: no typo corrections and no relaxing to some of the words (what "search instead for" links to after a corrected search)',
      }),
    ),
    cursor: Type.Optional(cursorParam()),
    page: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: SEARCH_MAX_PAGE,
        description: `1-based page of \`limit\` hits, for a pager that jumps to a page (the hits from (page - 1) × limit on); not with \`cursor\` (422). Pages past ${SEARCH_MAX_PAGE} are refused: narrow the search or follow \`nextCursor\``,
      }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 20 })),
  },
  strict,
);

const Highlights = Type.Object(
  { title: Type.Optional(Type.String()), authors: Type.Optional(Type.String()), description: Type.Optional(Type.String()) },
  { ...strict, description: 'HTML-safe fragments with matches wrapped in <mark>' },
);

export const SearchResponse = Type.Object(
  {
    hits: Type.Array(Type.Object({ book: BookComponent.ref, highlights: Highlights, score: Type.Number() }, strict)),
    total: Type.Integer(),
    facets: Type.Object(
      {
        categories: Type.Array(Type.Object({ value: Type.String(), count: Type.Integer() }, strict)),
        priceRanges: Type.Array(
          Type.Object({ key: Type.String(), from: Type.Optional(Type.Integer()), to: Type.Optional(Type.Integer()), count: Type.Integer() }, strict),
        ),
      },
      strict,
    ),
    nextCursor: nullableField(Type.String()),
    correctedQuery: Type.Optional(
      Type.String({ description: 'Set when the words searched are not the ones typed: typos corrected, or words no book matches dropped' }),
    ),
  },
  strict,
);

export const SuggestQueryString = Type.Object({ q: textSchema(SEARCH_TEXT, { examples: ['du'] }) }, strict);

export const SuggestResponse = Type.Object(
  {
    suggestions: Type.Array(
      Type.Object(
        {
          text: Type.String(),
          highlighted: Type.String(),
          bookId: Type.Optional(Type.String({ description: "Set when the suggestion is one book's title" })),
          authors: Type.Optional(Type.Array(Type.String(), { description: "The book's authors, for a book's title" })),
          coverUrl: Type.Optional(Type.String({ description: "The book's cover image, for a book's title that has one" })),
        },
        strict,
      ),
    ),
  },
  strict,
);
