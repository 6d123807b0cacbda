import type { UseCases } from '../../app/index.js';
import { principalOf } from '../access.js';
import { HEADERS, responses } from '../responses.js';
import type { App } from '../types.js';
import { ListOrdersQuery, OrderEnvelope, OrderPage, OrderParams, PlaceOrderBody, PlaceOrderHeaders, toOrderJson } from './schemas.js';

const tags = ['orders'];

export function orderRoutes(app: App, useCases: UseCases): void {
  const { checkout, orders } = useCases;

  app.post(
    '/orders',
    {
      config: { access: 'customer' },
      // The body is optional; an absent one means "no shipping address" and still gets validated.
      preValidation: async (request) => {
        request.body ??= {};
      },
      schema: {
        tags,
        operationId: 'placeOrder',
        summary: 'Check out my cart (201 new order, 200 replay of the same Idempotency-Key)',
        headers: PlaceOrderHeaders,
        body: PlaceOrderBody,
        response: responses({
          200: { description: 'The order this Idempotency-Key placed before (a retry)', schema: OrderEnvelope, headers: { location: HEADERS.location } },
          201: { description: 'The order placed; the cart is now empty', schema: OrderEnvelope, headers: { location: HEADERS.location } },
        }),
      },
    },
    async (request, reply) => {
      const { order, created } = await checkout.placeOrder(
        principalOf(request).userId,
        request.headers['idempotency-key'],
        request.body.shippingAddress ?? null,
      );
      reply.code(created ? 201 : 200).header('location', `/api/v1/orders/${encodeURIComponent(order.id)}`);
      return { order: toOrderJson(order) };
    },
  );

  app.get(
    '/orders',
    { config: { access: 'customer' }, schema: { tags, operationId: 'listOrders', summary: 'My orders, newest first', querystring: ListOrdersQuery, response: responses({ 200: { description: 'A page of my orders', schema: OrderPage } }) } },
    async (request) => {
      const page = await orders.list(principalOf(request).userId, { cursor: request.query.cursor, limit: request.query.limit ?? 20 });
      return { items: page.items.map(toOrderJson), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/orders/:id',
    { config: { access: 'customer' }, schema: { tags, operationId: 'getOrder', summary: 'One of my orders', params: OrderParams, response: responses({ 200: { description: 'The order', schema: OrderEnvelope } }) } },
    async (request) => ({ order: toOrderJson(await orders.get(principalOf(request).userId, request.params.id)) }),
  );
}
