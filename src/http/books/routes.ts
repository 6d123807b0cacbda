import { Type } from 'typebox';
import { bookEtag } from '../../domain/book.js';
import type { UseCases } from '../../app/index.js';
import { HttpProblem } from '../problem.js';
import { HEADERS, responses } from '../responses.js';
import type { App } from '../types.js';
import {
  BookComponent,
  BookPage,
  BookParams,
  CategoryList,
  CreateBookBody,
  IfMatchHeaders,
  IfNoneMatchHeaders,
  ListBooksQuery,
  PatchBookBody,
  toBookJson,
} from './schemas.js';

const tags = ['books'];

function requireIfMatch(ifMatch: string | undefined): string {
  if (ifMatch === undefined || ifMatch.trim() === '') {
    throw new HttpProblem(428, 'precondition-required', 'send If-Match with the ETag of the book you are changing', {}, [
      { field: 'If-Match', detail: 'is required' },
    ]);
  }
  return ifMatch;
}

/** RFC 9110 weak comparison: `*`, or any listed tag equal to ours with or without `W/`. */
function noneMatch(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return true;
  if (ifNoneMatch.trim() === '*') return false;
  return !ifNoneMatch.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}

export function bookRoutes(app: App, useCases: UseCases): void {
  const { catalog } = useCases;

  app.get(
    '/books',
    {
      config: { access: 'public' },
      schema: { tags, operationId: 'listBooks',
        summary: 'List books by title, optionally of one category',
        querystring: ListBooksQuery,
        response: responses({ 200: { description: 'A page of books by title', schema: BookPage } }) },
    },
    async (request) => {
      const page = await catalog.list({ category: request.query.category, cursor: request.query.cursor, limit: request.query.limit ?? 20 });
      return { items: page.items.map(toBookJson), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/books/:id',
    {
      config: { access: 'public' },
      schema: { tags, operationId: 'getBook',
        summary: 'One book, with its ETag',
        params: BookParams,
        headers: IfNoneMatchHeaders,
        response: responses({
          200: { description: 'The book', schema: BookComponent.ref, headers: { etag: HEADERS.etag } },
          304: { description: 'The book is still the version If-None-Match named', headers: { etag: HEADERS.etag } },
        }) },
    },
    async (request, reply) => {
      const book = await catalog.get(request.params.id);
      const etag = bookEtag(book);
      reply.header('etag', etag);
      if (!noneMatch(request.headers['if-none-match'], etag)) return reply.code(304).send(null);
      return toBookJson(book);
    },
  );

  app.get(
    '/categories',
    { config: { access: 'public' }, schema: { tags, operationId: 'listCategories', summary: 'Every category with its number of books', response: responses({ 200: { description: 'Categories by name', schema: CategoryList } }) } },
    async () => ({ categories: await catalog.categories() }),
  );

  app.post(
    '/books',
    {
      config: { access: 'admin' },
      schema: { tags, operationId: 'createBook',
        summary: 'Add a book (admin)',
        body: CreateBookBody,
        response: responses({ 201: { description: 'The new book', schema: BookComponent.ref, headers: { etag: HEADERS.etag, location: HEADERS.location } } }) },
    },
    async (request, reply) => {
      const body = request.body;
      const book = await catalog.create({ ...body, description: body.description ?? '', coverUrl: body.coverUrl ?? null });
      reply.code(201).header('location', `/api/v1/books/${encodeURIComponent(book.id)}`).header('etag', bookEtag(book));
      return toBookJson(book);
    },
  );

  app.patch(
    '/books/:id',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        operationId: 'updateBook',
        summary: 'Change some fields of a book (admin; If-Match required)',
        params: BookParams,
        headers: IfMatchHeaders,
        body: PatchBookBody,
        response: responses({ 200: { description: 'The book as changed', schema: BookComponent.ref, headers: { etag: HEADERS.etag } } }),
      },
    },
    async (request, reply) => {
      const ifMatch = requireIfMatch(request.headers['if-match']);
      const book = await catalog.update(request.params.id, request.body, ifMatch);
      reply.header('etag', bookEtag(book));
      return toBookJson(book);
    },
  );

  app.delete(
    '/books/:id',
    {
      config: { access: 'admin' },
      schema: { tags, operationId: 'deleteBook',
        summary: 'Remove a book (admin; If-Match required)',
        params: BookParams,
        headers: IfMatchHeaders,
        response: responses({ 204: { description: 'The book left the catalog' } }) },
    },
    async (request, reply) => {
      await catalog.remove(request.params.id, requireIfMatch(request.headers['if-match']));
      return reply.code(204).send(null);
    },
  );
}
