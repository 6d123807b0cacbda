import { Type } from 'typebox';
import { BOOK_TEXT } from '../../domain/book.js';
import { textSchema } from '../text-schema.js';
import { BESTSELLER_LIMITS } from '../../app/bestsellers.js';
import type { UseCases } from '../../app/index.js';
import { BookComponent, toBookJson } from '../books/schemas.js';
import { responses } from '../responses.js';
import type { App } from '../types.js';

const strict = { additionalProperties: false } as const;

const window = (options: { default?: string } = {}) =>
  Type.Enum(['all', '7d', '1d'], { type: 'string', description: '`1d` and `7d` are rolling windows counted in whole UTC hours', ...options });

const BestsellerQuery = Type.Object(
  {
    window: Type.Optional(window({ default: 'all' })),
    category: Type.Optional(textSchema(BOOK_TEXT.category)),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: BESTSELLER_LIMITS.max, default: BESTSELLER_LIMITS.default })),
  },
  strict,
);

const BestsellerResponse = Type.Object(
  {
    window: window(),
    category: Type.Union([Type.String(), Type.Null()]),
    items: Type.Array(Type.Object({ rank: Type.Integer(), units: Type.Integer(), book: BookComponent.ref }, strict)),
  },
  strict,
);

export function bestsellerRoutes(app: App, useCases: UseCases): void {
  app.get(
    '/bestsellers',
    {
      config: { access: 'public' },
      schema: {
        tags: ['bestsellers'],
        operationId: 'listBestsellers',
        summary: 'Books ranked by units sold, overall or in one category',
        querystring: BestsellerQuery,
        response: responses({ 200: { description: 'Books by units sold, best first', schema: BestsellerResponse } }),
      },
    },
    async (request) => {
      const window = request.query.window ?? 'all';
      const category = request.query.category ?? null;
      const items = await useCases.bestsellers.top({ window, category: category ?? undefined, limit: request.query.limit });
      return { window, category, items: items.map((i) => ({ rank: i.rank, units: i.units, book: toBookJson(i.book) })) };
    },
  );
}
