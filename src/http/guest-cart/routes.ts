import type { FastifyReply } from 'fastify';
import type { UseCases } from '../../app/index.js';
import { guestTokenOf, principalOf } from '../access.js';
import { CartItemParams, CartJson, SetQuantityBody } from '../cart/schemas.js';
import { responses } from '../responses.js';
import type { App } from '../types.js';
import { MergedCartJson, NewGuestCartJson } from './schemas.js';

const tags = ['cart'];
const LIMITED = 'Too many guest carts created from this address in the current minute; nothing was created. Wait Retry-After seconds';

/** A guest cart is whoever holds the token's: no browser or proxy cache may keep it. */
const privateAnswer = (reply: FastifyReply) => reply.header('cache-control', 'private, no-store');

/**
 * Carts for visitors without an account (src/app/guest-cart.ts). The token travels in the
 * `Guest-Cart` header, which the web app keeps as it keeps the bearer token: a header no other
 * site's page can make a browser send, so no CSRF defence is needed, and the server never sets a cookie.
 */
export function guestCartRoutes(app: App, useCases: UseCases): void {
  const { guestCart } = useCases;

  app.post(
    '/guest-cart',
    {
      config: { access: 'public' },
      schema: {
        tags,
        operationId: 'createGuestCart',
        summary: 'Start an empty guest cart and get its token (limited per client address)',
        response: responses({ 201: { description: 'The new cart and its token, shown only this once', schema: NewGuestCartJson } }, { limited: LIMITED }),
      },
    },
    async (request, reply) => {
      const created = await guestCart.create({ address: request.ip });
      privateAnswer(reply).code(201);
      return created;
    },
  );

  app.get(
    '/guest-cart',
    { config: { access: 'public', guestCart: true }, schema: { tags, operationId: 'getGuestCart', summary: 'The guest cart of the Guest-Cart token, priced from the current catalog', response: responses({ 200: { description: 'The guest cart', schema: CartJson } }) } },
    async (request, reply) => {
      privateAnswer(reply);
      return guestCart.get(guestTokenOf(request));
    },
  );

  app.put(
    '/guest-cart/items/:bookId',
    {
      config: { access: 'public', guestCart: true },
      schema: {
        tags,
        operationId: 'setGuestCartQuantity',
        summary: 'Set how many copies of a book are in the guest cart (same rules as my cart)',
        params: CartItemParams,
        body: SetQuantityBody,
        response: responses({ 200: { description: 'The guest cart after the change', schema: CartJson } }),
      },
    },
    async (request, reply) => {
      privateAnswer(reply);
      return guestCart.setQuantity(guestTokenOf(request), request.params.bookId, request.body.quantity);
    },
  );

  app.delete(
    '/guest-cart/items/:bookId',
    { config: { access: 'public', guestCart: true }, schema: { tags, operationId: 'removeFromGuestCart', summary: 'Take a book out of the guest cart', params: CartItemParams, response: responses({ 200: { description: 'The guest cart after the change', schema: CartJson } }) } },
    async (request, reply) => {
      privateAnswer(reply);
      return guestCart.remove(guestTokenOf(request), request.params.bookId);
    },
  );

  app.post(
    '/cart/merge',
    {
      config: { access: 'customer', guestCart: true },
      schema: {
        tags,
        operationId: 'mergeGuestCart',
        summary: 'Move the guest cart of the Guest-Cart token into my cart (quantities added, capped at 99 a book); the guest cart is gone afterwards',
        response: responses({ 200: { description: 'My cart after the merge', schema: MergedCartJson } }),
      },
    },
    async (request) => guestCart.merge(principalOf(request).userId, guestTokenOf(request)),
  );
}
