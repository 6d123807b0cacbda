import { Type } from 'typebox';
import type { UseCases } from '../../app/index.js';
import { reasonText } from '../../app/recommendations.js';
import { principalOf } from '../access.js';
import { BookComponent, BookParams, toBookJson } from '../books/schemas.js';
import { PublicUserJson } from '../users/schemas.js';
import { responses } from '../responses.js';
import type { App } from '../types.js';

const strict = { additionalProperties: false } as const;
const tags = ['recommendations'];

const RecommendationItem = Type.Object(
  {
    book: BookComponent.ref,
    reason: Type.String({ description: 'Why it is recommended, as the storefront shows it: "3 friends bought this", "because you rated Dune 5 stars", "popular in Science Fiction"' }),
    reasonKind: Type.Union([Type.Literal('friends'), Type.Literal('similar-taste'), Type.Literal('author'), Type.Literal('category')], {
      description: "friends: my friends bought it; similar-taste: people who liked a book I rated 4 or 5 stars liked it; author, category: a best seller of the authors and categories I buy and like most",
    }),
    friendCount: Type.Integer({ minimum: 0, description: 'Friends who bought it (0 unless reasonKind is friends)' }),
  },
  strict,
);

const ForMeResponse = Type.Object({ items: Type.Array(RecommendationItem) }, strict);

const ForBookResponse = Type.Object(
  {
    friendsWhoBought: Type.Array(PublicUserJson, { description: 'Empty unless signed in' }),
    alsoBought: Type.Array(BookComponent.ref),
  },
  strict,
);

export function recommendationRoutes(app: App, useCases: UseCases): void {
  const { recommendations } = useCases;

  app.get(
    '/recommendations',
    {
      config: { access: 'customer' },
      schema: { tags, operationId: 'recommendForMe', summary: 'My personal shelf: what friends bought, what people with my taste liked, best sellers of my authors and categories', response: responses({ 200: { description: 'Books, most personal reason first; never one I bought or rated', schema: ForMeResponse } }) },
    },
    async (request) => {
      const items = await recommendations.forUser(principalOf(request).userId);
      return {
        items: items.map((i) => ({
          book: toBookJson(i.book),
          reason: reasonText(i.reason),
          reasonKind: i.reason.kind,
          friendCount: i.reason.kind === 'friends' ? i.reason.friendCount : 0,
        })),
      };
    },
  );

  app.get(
    '/books/:id/recommendations',
    {
      config: { access: 'optional' },
      schema: {
        tags,
        operationId: 'recommendForBook',
        summary: 'Friends who bought this book (with a token) and what its buyers also bought',
        params: BookParams,
        response: responses({ 200: { description: 'Friends who bought it and books bought with it', schema: ForBookResponse } }),
      },
    },
    async (request) => {
      const result = await recommendations.forBook(request.params.id, request.principal?.userId ?? null);
      return { friendsWhoBought: result.friendsWhoBought, alsoBought: result.alsoBought.map(toBookJson) };
    },
  );
}
