import { Type } from 'typebox';
import type { UseCases } from '../../app/index.js';
import { principalOf } from '../access.js';
import { ID_PATTERN } from '../books/schemas.js';
import { responses } from '../responses.js';
import type { App } from '../types.js';

const strict = { additionalProperties: false } as const;
const tags = ['friends'];

const Acquaintance = Type.Object({ id: Type.String(), name: Type.String(), since: Type.String({ format: 'date-time' }) }, strict);

const FriendListJson = Type.Object(
  {
    friends: Type.Array(Acquaintance),
    incoming: Type.Array(Acquaintance, { description: 'Requests others sent me: PUT them back to accept' }),
    outgoing: Type.Array(Acquaintance, { description: 'Requests I sent that are not accepted yet' }),
  },
  strict,
);

const FriendParams = Type.Object({ userId: Type.String({ minLength: 1, maxLength: 64, pattern: ID_PATTERN }) }, strict);
const FriendStatus = Type.Object({ status: Type.Enum(['pending', 'accepted'], { type: 'string' }) }, strict);

export function friendRoutes(app: App, useCases: UseCases): void {
  const { friends } = useCases;

  app.get(
    '/friends',
    { config: { access: 'customer' }, schema: { tags, operationId: 'listFriends', summary: 'My friends and pending requests', response: responses({ 200: { description: 'Friends and requests either way', schema: FriendListJson } }) } },
    async (request) => friends.list(principalOf(request).userId),
  );

  app.put(
    '/friends/:userId',
    {
      config: { access: 'customer' },
      schema: {
        tags,
        operationId: 'befriend',
        summary: 'Ask someone to be friends, or accept their request (idempotent)',
        params: FriendParams,
        response: responses({ 200: { description: 'Pending until they accept; accepted when they had asked me', schema: FriendStatus } }),
      },
    },
    async (request) => friends.request(principalOf(request).userId, request.params.userId),
  );

  app.delete(
    '/friends/:userId',
    {
      config: { access: 'customer' },
      schema: { tags, operationId: 'unfriend', summary: 'Unfriend, cancel my request, or decline theirs', params: FriendParams, response: responses({ 204: { description: 'No friendship or request is left between us' } }) },
    },
    async (request, reply) => {
      await friends.remove(principalOf(request).userId, request.params.userId);
      return reply.code(204).send(null);
    },
  );
}
