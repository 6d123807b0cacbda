import { Type } from 'typebox';
import { CART_LIMITS } from '../../domain/cart.js';
import { BookId } from '../books/schemas.js';

const strict = { additionalProperties: false } as const;
const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const CartItemParams = Type.Object({ bookId: BookId }, strict);

/** Only a quantity: the price, total and currency always come from the catalog. */
export const SetQuantityBody = Type.Object({ quantity: Type.Integer({ minimum: 1, maximum: CART_LIMITS.quantityMax }) }, strict);

export const CartJson = Type.Object(
  {
    lines: Type.Array(
      Type.Object(
        {
          bookId: Type.String(),
          title: nullable(Type.String()),
          authors: Type.Array(Type.String()),
          coverUrl: nullable(Type.String()),
          unitPrice: nullable(Type.Integer()),
          quantity: Type.Integer(),
          lineTotal: nullable(Type.Integer()),
          currency: nullable(Type.String()),
          available: Type.Boolean({ description: 'False when the book left the catalog; such lines are not counted' }),
        },
        strict,
      ),
    ),
    itemCount: Type.Integer(),
    subtotal: Type.Integer({ description: 'Minor units of `currency`' }),
    currency: nullable(Type.String()),
  },
  strict,
);
