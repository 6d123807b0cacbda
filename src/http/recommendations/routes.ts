import { Type } from 'typebox';
import type { UseCases } from '../../app/index.js';
import { principalOf } from '../access.js';
import { BookComponent, BookParams, toBookJson } from '../books/schemas.js';
import { PublicUserJson } from '../users/schemas.js';
import { responses } from '../responses.js';
import type { App } from '../types.js';

const strict = { additionalProperties: false } as const;
const tags = ['recommendations'];

const ForMeResponse = Type.Object(
  { items: Type.Array(Type.Object({ book: BookComponent.ref, friendCount: Type.Integer({ description: 'Friends who bought it' }) }, strict)) },
  strict,
);

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
      schema: { tags, operationId: 'recommendForMe', summary: 'Books my friends bought that I have not', response: responses({ 200: { description: 'Books, most friends first', schema: ForMeResponse } }) },
    },
    async (request) => {
      const items = await recommendations.forUser(principalOf(request).userId);
      return { items: items.map((i) => ({ book: toBookJson(i.book), friendCount: i.friendCount })) };
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
