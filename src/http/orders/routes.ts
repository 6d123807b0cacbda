import type { UseCases } from '../../app/index.js';
import { principalOf } from '../access.js';
import { HEADERS, responses } from '../responses.js';
import type { App } from '../types.js';
import {
  AdminListOrdersQuery,
  AdminOrderJson,
  AdminOrderPage,
  ListOrdersQuery,
  OrderEnvelope,
  OrderPage,
  OrderParams,
  PlaceOrderBody,
  PlaceOrderHeaders,
  SetStatusBody,
  toAdminOrderJson,
  toOrderJson,
} from './schemas.js';
import { Type } from 'typebox';

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
        description:
          'Takes the copies from stock in the same transaction as the order: 409 `out-of-stock` (naming each short book and the copies left in `shortages`) creates nothing. With `payment` the test card is charged first and the order is created `paid`; a declined card is 402 and creates nothing.',
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
        request.body.payment ? { card: { number: request.body.payment.cardNumber } } : null,
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

  app.post(
    '/orders/:id/cancel',
    {
      config: { access: 'customer' },
      schema: {
        tags,
        operationId: 'cancelOrder',
        summary: 'Cancel one of my orders before it ships (409 once shipped); its copies go back on the shelf',
        params: OrderParams,
        response: responses({ 200: { description: 'The cancelled order', schema: OrderEnvelope } }),
      },
    },
    async (request) => ({ order: toOrderJson(await orders.cancel(principalOf(request).userId, request.params.id)) }),
  );

  app.get(
    '/admin/orders',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        operationId: 'adminListOrders',
        summary: "Every customer's orders, newest first, optionally of one status",
        querystring: AdminListOrdersQuery,
        response: responses({ 200: { description: 'A page of orders', schema: AdminOrderPage } }),
      },
    },
    async (request) => {
      const { status, cursor, limit } = request.query;
      const page = await orders.listAll({ status, cursor, limit: limit ?? 20 });
      return { items: page.items.map(toAdminOrderJson), nextCursor: page.nextCursor };
    },
  );

  app.post(
    '/admin/orders/:id/status',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        operationId: 'adminSetOrderStatus',
        summary: 'Move an order: placed → paid → shipped → delivered, or cancelled before delivery (409 `status-transition` otherwise)',
        params: OrderParams,
        body: SetStatusBody,
        response: responses({ 200: { description: 'The order as moved', schema: Type.Object({ order: AdminOrderJson }, { additionalProperties: false }) } }),
      },
    },
    async (request) => ({ order: toAdminOrderJson(await orders.setStatus(principalOf(request).userId, request.params.id, request.body.status)) }),
  );
}
