import { Type } from 'typebox';
import type { Order } from '../../domain/order.js';

const strict = { additionalProperties: false } as const;
const text = (max: number) => Type.String({ minLength: 1, maxLength: max });

export const ShippingAddressJson = Type.Object(
  {
    name: text(100),
    line1: text(200),
    line2: Type.Optional(Type.String({ maxLength: 200 })),
    city: text(100),
    postalCode: text(20),
    country: Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2 code' }),
  },
  strict,
);

export const PlaceOrderBody = Type.Object({ shippingAddress: Type.Optional(ShippingAddressJson) }, strict);

export const PlaceOrderHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({ description: 'Required: 8 to 128 of A-Z a-z 0-9 _ - : . — retries with the same key return the same order' }),
  ),
});

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
    currency: Type.String(),
    status: Type.Literal('placed'),
    shippingAddress: Type.Union([ShippingAddressJson, Type.Null()]),
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
    shippingAddress: order.shippingAddress,
    createdAt: order.createdAt,
  };
}

export const OrderEnvelope = Type.Object({ order: OrderJson }, strict);

export const OrderPage = Type.Object({ items: Type.Array(OrderJson), nextCursor: Type.Union([Type.String(), Type.Null()]) }, strict);

export const ListOrdersQuery = Type.Object(
  {
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  },
  strict,
);

export const OrderParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }, strict);
