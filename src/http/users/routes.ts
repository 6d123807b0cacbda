import { Type } from 'typebox';
import { PEOPLE_SEARCH_TEXT } from '../../app/friends.js';
import { textSchema } from '../text-schema.js';
import type { UseCases } from '../../app/index.js';
import { principalOf } from '../access.js';
import { responses } from '../responses.js';
import type { App } from '../types.js';
import { PublicUserJson } from './schemas.js';

const strict = { additionalProperties: false } as const;

const FindPeopleQuery = Type.Object({ q: textSchema(PEOPLE_SEARCH_TEXT, { examples: ['Ada'] }) }, strict);
const PeopleResponse = Type.Object({ users: Type.Array(PublicUserJson) }, strict);

export function userRoutes(app: App, useCases: UseCases): void {
  app.get(
    '/users',
    {
      config: { access: 'customer' },
      schema: {
        tags: ['friends'],
        operationId: 'findPeople',
        summary: 'Find people by name or exact email (names only are shown)',
        querystring: FindPeopleQuery,
        response: responses({ 200: { description: 'Up to 20 people, other than me', schema: PeopleResponse } }),
      },
    },
    async (request) => ({ users: await useCases.friends.findPeople(principalOf(request).userId, request.query.q) }),
  );
}
