import type { UseCases } from '../../app/index.js';
import { principalOf } from '../access.js';
import { responses } from '../responses.js';
import type { App } from '../types.js';
import { CartItemParams, CartJson, SetQuantityBody } from './schemas.js';

const tags = ['cart'];

export function cartRoutes(app: App, useCases: UseCases): void {
  const { cart } = useCases;

  app.get(
    '/cart',
    { config: { access: 'customer' }, schema: { tags, operationId: 'getCart', summary: 'My cart, priced from the current catalog', response: responses({ 200: { description: 'My cart', schema: CartJson } }) } },
    async (request) => cart.get(principalOf(request).userId),
  );

  app.put(
    '/cart/items/:bookId',
    {
      config: { access: 'customer' },
      schema: { tags, operationId: 'setCartQuantity',
        summary: 'Set how many copies of a book are in my cart (409 mixed-currency for a book in another currency than the cart)',
        params: CartItemParams,
        body: SetQuantityBody,
        response: responses({ 200: { description: 'My cart after the change', schema: CartJson } }) },
    },
    async (request) => cart.setQuantity(principalOf(request).userId, request.params.bookId, request.body.quantity),
  );

  app.delete(
    '/cart/items/:bookId',
    { config: { access: 'customer' }, schema: { tags, operationId: 'removeFromCart', summary: 'Take a book out of my cart', params: CartItemParams, response: responses({ 200: { description: 'My cart after the change', schema: CartJson } }) } },
    async (request) => cart.remove(principalOf(request).userId, request.params.bookId),
  );
}
