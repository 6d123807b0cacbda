import { Type } from 'typebox';
import { ADDRESS_TEXT, IDEMPOTENCY_KEY_PATTERN, type Order } from '../../domain/order.js';
import { allowedMoves } from '../../domain/order-status.js';
import { CARD_NUMBER_PATTERN } from '../../domain/card.js';
import { currencyParam, cursorParam, ID_PATTERN } from '../books/schemas.js';
import { component } from '../responses.js';
import { textSchema } from '../text-schema.js';

const strict = { additionalProperties: false } as const;

export const ShippingAddressJson = Type.Object(
  {
    name: textSchema(ADDRESS_TEXT.name, { examples: ['Ada Lovelace'] }),
    line1: textSchema(ADDRESS_TEXT.line1, { examples: ['12 St James Square'] }),
    line2: Type.Optional(textSchema(ADDRESS_TEXT.line2)),
    city: textSchema(ADDRESS_TEXT.city, { examples: ['London'] }),
    postalCode: textSchema(ADDRESS_TEXT.postalCode, {
      examples: ['SW1Y 4JH'],
      description: 'As the post office of the country writes it; a US ZIP code is 5 digits or ZIP+4 (422 otherwise)',
    }),
    state: Type.Optional(
      Type.String({
        pattern: '^[A-Z]{2}$',
        description: 'US addresses only, and required there: the USPS code of a state or DC (422 for another code, a missing one on a US address, or one on an address elsewhere)',
        examples: ['NY'],
      }),
    ),
    country: Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2 code', examples: ['GB'] }),
  },
  strict,
);

const ShippingAddressComponent = component('ShippingAddress', ShippingAddressJson);

export const PaymentJson = Type.Object(
  {
    cardNumber: Type.String({
      minLength: 12,
      maxLength: 30,
      pattern: CARD_NUMBER_PATTERN,
      description: 'Test cards only: 4242 4242 4242 4242 is charged, 4000 0000 0000 0002 is declined (402). Never logged or stored; the order keeps the last four digits.',
      examples: ['4242 4242 4242 4242'],
    }),
  },
  strict,
);

export const PlaceOrderBody = Type.Object(
  {
    shippingAddress: Type.Optional(ShippingAddressJson),
    payment: Type.Optional(Type.Object(PaymentJson.properties, { ...strict, description: 'Pay now: the order is created `paid`. Without it the order is `placed`, unpaid.' })),
  },
  strict,
);

export const OrderStatusJson = Type.Union([Type.Literal('placed'), Type.Literal('paid'), Type.Literal('shipped'), Type.Literal('delivered'), Type.Literal('cancelled')], { description: 'placed → paid → shipped → delivered, or cancelled before delivery' });

export const PlaceOrderHeaders = Type.Object(
  {
    'idempotency-key': Type.String({
      pattern: IDEMPOTENCY_KEY_PATTERN.source,
      description: '8 to 128 of A-Z a-z 0-9 _ - : . chosen by the client per checkout: retries with the same key return the same order',
      examples: ['checkout-6f1d2c9e-2b7a'],
    }),
  },
  { required: ['idempotency-key'] },
);

export const OrderJson = Type.Object(
  {
    id: Type.String(),
    lines: Type.Array(
      Type.Object(
        {
          bookId: Type.String(),
          isbn: Type.String(),
          title: Type.String(),
          category: Type.String(),
          unitPrice: Type.Integer(),
          quantity: Type.Integer(),
          lineTotal: Type.Integer(),
        },
        strict,
      ),
    ),
    itemCount: Type.Integer(),
    total: Type.Integer({ description: 'Minor units of `currency`' }),
    currency: currencyParam(),
    status: OrderStatusJson,
    statusHistory: Type.Array(
      Type.Object(
        {
          status: OrderStatusJson,
          at: Type.String({ format: 'date-time' }),
          by: Type.Union([Type.Literal('customer'), Type.Literal('admin')], { description: 'Who made the change' }),
        },
        strict,
      ),
      { description: 'Every status the order has had, oldest first' },
    ),
    payment: Type.Union([Type.Object({ provider: Type.String(), reference: Type.String(), cardLast4: Type.String({ pattern: '^[0-9]{4}$' }) }, strict), Type.Null()]),
    shippingAddress: Type.Union([ShippingAddressComponent.ref, Type.Null()]),
    createdAt: Type.String({ format: 'date-time' }),
  },
  strict,
);

export function toOrderJson(order: Order) {
  return {
    id: order.id,
    lines: order.lines.map((l) => ({ bookId: l.bookId, isbn: l.isbn, title: l.title, category: l.category, unitPrice: l.unitPrice, quantity: l.quantity, lineTotal: l.lineTotal })),
    itemCount: order.itemCount,
    total: order.total,
    currency: order.currency,
    status: order.status,
    // The actor's role only: an admin's user id is not the customer's business.
    statusHistory: order.statusHistory.map((c) => ({ status: c.status, at: c.at, by: c.by.role })),
    payment: order.payment ? { provider: order.payment.provider, reference: order.payment.reference, cardLast4: order.payment.cardLast4 } : null,
    shippingAddress: order.shippingAddress,
    createdAt: order.createdAt,
  };
}

const OrderComponent = component('Order', OrderJson);

export const ORDER_COMPONENTS: Array<{ definition: object }> = [ShippingAddressComponent, OrderComponent];

export const OrderEnvelope = Type.Object({ order: OrderComponent.ref }, strict);

export const OrderPage = Type.Object({ items: Type.Array(OrderComponent.ref), nextCursor: Type.Union([Type.String(), Type.Null()]) }, strict);

export const ListOrdersQuery = Type.Object(
  {
    cursor: Type.Optional(cursorParam()),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  },
  strict,
);

export const OrderParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64, pattern: ID_PATTERN }) }, strict);

export const AdminListOrdersQuery = Type.Object(
  {
    status: Type.Optional(OrderStatusJson),
    cursor: Type.Optional(cursorParam()),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  },
  strict,
);

const AdminOrderComponent = component(
  'AdminOrder',
  Type.Object(
    {
      ...OrderJson.properties,
      userId: Type.String({ description: "The customer's id" }),
      nextStatuses: Type.Array(OrderStatusJson, { description: 'The statuses an admin may move this order to now; empty once it is delivered or cancelled' }),
    },
    strict,
  ),
);
ORDER_COMPONENTS.push(AdminOrderComponent);

export const AdminOrderJson = AdminOrderComponent.ref;

export const AdminOrderPage = Type.Object({ items: Type.Array(AdminOrderComponent.ref), nextCursor: Type.Union([Type.String(), Type.Null()]) }, strict);

export const SetStatusBody = Type.Object({ status: OrderStatusJson }, strict);

export function toAdminOrderJson(order: Order) {
  return { ...toOrderJson(order), userId: order.userId, nextStatuses: [...allowedMoves('admin', order.status)] };
}
