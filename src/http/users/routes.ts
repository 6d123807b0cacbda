import { Type } from 'typebox';
import { PEOPLE_SEARCH_LIMITS } from '../../app/friends.js';
import type { UseCases } from '../../app/index.js';
import { principalOf } from '../access.js';
import { responses } from '../responses.js';
import type { App } from '../types.js';
import { PublicUserJson } from './schemas.js';

const strict = { additionalProperties: false } as const;

const FindPeopleQuery = Type.Object({ q: Type.String({ minLength: 1, maxLength: PEOPLE_SEARCH_LIMITS.queryMax }) }, strict);
const PeopleResponse = Type.Object({ users: Type.Array(PublicUserJson) }, strict);

export function userRoutes(app: App, useCases: UseCases): void {
  app.get(
    '/users',
    {
      config: { access: 'customer' },
      schema: {
        tags: ['friends'],
        summary: 'Find people by name or exact email (names only are shown)',
        querystring: FindPeopleQuery,
        response: responses({ 200: PeopleResponse }),
      },
    },
    async (request) => ({ users: await useCases.friends.findPeople(principalOf(request).userId, request.query.q) }),
  );
}
