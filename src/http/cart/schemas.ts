import { Type } from 'typebox';
import { CART_LIMITS } from '../../domain/cart.js';
import { BookId } from '../books/schemas.js';
import { component } from '../responses.js';

const strict = { additionalProperties: false } as const;
const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const CartItemParams = Type.Object({ bookId: BookId }, strict);

/** Only a quantity: the price, total and currency always come from the catalog. */
export const SetQuantityBody = Type.Object({ quantity: Type.Integer({ minimum: 1, maximum: CART_LIMITS.quantityMax }) }, strict);

const CartSchema = Type.Object(
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
          stock: nullable(Type.Integer({ minimum: 0, description: 'Copies on hand when the line was read (checkout decides); null when the shop does not count them or the book is gone' })),
        },
        strict,
      ),
    ),
    itemCount: Type.Integer({ description: 'Copies of the available books' }),
    subtotal: Type.Integer({ description: 'The available lines added up, in minor units of `currency`; 0 when `currency` is null' }),
    currency: nullable(
      Type.String({
        description: 'The one currency of the available lines; null when none is available, or when the catalog moved a book in the cart to another currency (no subtotal is then true; checkout refuses such a cart)',
      }),
    ),
  },
  { ...strict, description: 'A cart holds books of one currency: adding a book in another is refused with 409 mixed-currency' },
);

export const CartComponent = component('Cart', CartSchema);
export const CartJson = CartComponent.ref;
