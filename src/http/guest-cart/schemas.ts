import { Type } from 'typebox';
import { CartJson } from '../cart/schemas.js';

const strict = { additionalProperties: false } as const;

export const NewGuestCartJson = Type.Object(
  {
    token: Type.String({ description: 'The guest cart\'s only key: send it in the Guest-Cart header. The server keeps only its digest, so it cannot be shown again', pattern: '^[A-Za-z0-9_-]{43}$' }),
    expiresAt: Type.String({ format: 'date-time', description: 'When the cart expires unless changed before; every change moves it forward' }),
    cart: CartJson,
  },
  strict,
);

export const MergedCartJson = Type.Object(
  {
    cart: CartJson,
    notMerged: Type.Array(Type.String(), { description: 'Books of the guest cart left out: gone from the catalog, in another currency than the cart, or no room for another book' }),
  },
  strict,
);
