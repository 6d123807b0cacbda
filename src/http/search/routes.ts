import type { UseCases } from '../../app/index.js';
import { toSearchBookJson } from '../books/schemas.js';
import { responses } from '../responses.js';
import type { App } from '../types.js';
import { SearchQueryString, SearchResponse, SuggestQueryString, SuggestResponse } from './schemas.js';

const tags = ['search'];

export function searchRoutes(app: App, useCases: UseCases): void {
  const { search } = useCases;

  app.get(
    '/search',
    {
      config: { access: 'public' },
      schema: { tags, operationId: 'searchBooks', summary: 'Full-text search with filters, facets and typo tolerance', querystring: SearchQueryString, response: responses({ 200: { description: 'A page of hits with facets', schema: SearchResponse } }) },
    },
    async (request) => {
      const q = request.query;
      const result = await search.search({
        q: q.q ?? '',
        category: q.category,
        minPrice: q.minPrice,
        maxPrice: q.maxPrice,
        minRating: q.minRating,
        sort: q.sort ?? 'relevance',
        autocorrect: q.autocorrect ?? true,
        cursor: q.cursor,
        page: q.page,
        limit: q.limit ?? 20,
      });
      return {
        hits: result.hits.map((h) => ({ book: toSearchBookJson(h.book, h.stock), highlights: h.highlights, score: h.score })),
        total: result.total,
        facets: result.facets,
        nextCursor: result.nextCursor,
        ...(result.correctedQuery !== undefined ? { correctedQuery: result.correctedQuery } : {}),
      };
    },
  );

  app.get(
    '/search/suggest',
    {
      config: { access: 'public' },
      schema: { tags, operationId: 'suggest', summary: 'Search-as-you-type completions for a prefix', querystring: SuggestQueryString, response: responses({ 200: { description: 'Up to 10 completions', schema: SuggestResponse } }) },
    },
    async (request) => ({ suggestions: await search.suggest(request.query.q) }),
  );
}
