import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Principal } from '../domain/user.js';

/** The Fastify instance routes are declared on: TypeBox schemas type the handlers' inputs. */
export type App = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, TypeBoxTypeProvider>;

/**
 * Who may call a route, checked on the server before the body is even parsed: anyone (`public`),
 * anyone but a token is read when present (`optional`), a signed-in user (`customer`), or an admin.
 */
export type Access = 'public' | 'optional' | 'customer' | 'admin';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    /** The route acts on the guest cart whose token the `Guest-Cart` header carries (src/http/guest-cart). */
    guestCart?: boolean;
  }
  interface FastifyRequest {
    /** The verified caller, or null on public routes called without a token. */
    principal: Principal | null;
    /** The `Guest-Cart` header's token on a `guestCart` route (checked well-formed), else null. */
    guestCartToken: string | null;
  }
}
