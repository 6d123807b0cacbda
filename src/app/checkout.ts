import { CART_LIMITS } from '../domain/cart.js';
import { ConflictError, ValidationError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { IDEMPOTENCY_KEY_PATTERN, priceCart, validateShippingAddress, type Order, type ShippingAddress } from '../domain/order.js';
import type { Carts } from '../ports/carts.js';
import type { Catalog } from '../ports/catalog.js';
import type { Metrics } from '../ports/metrics.js';
import type { Orders, PlaceResult } from '../ports/orders.js';

export interface CheckoutDeps {
  carts: Carts;
  catalog: Catalog;
  orders: Orders;
  metrics: Metrics;
  now(): Date;
}

const ATTEMPTS = 3;

export function checkoutUseCases(deps: CheckoutDeps) {
  const { metrics } = deps;
  return {
    /**
     * Turns the caller's cart into an order, once per idempotency key: a retry with the same key
     * returns the first order (created: false) whatever the cart holds by then. Prices come from the
     * catalog at this moment, never from the request, and are charged only if still current when the
     * order is written.
     */
    async placeOrder(userId: string, idempotencyKey: string | undefined, shippingAddress: ShippingAddress | null): Promise<PlaceResult> {
      try {
        const result = await placeOrder(deps, userId, idempotencyKey, shippingAddress);
        if (result.created) metrics.orderPlaced();
        return result;
      } catch (e) {
        if (e instanceof ConflictError) metrics.checkoutConflict();
        throw e;
      }
    },
  };
}

async function placeOrder(
  { carts, catalog, orders, now }: CheckoutDeps,
  userId: string,
  idempotencyKey: string | undefined,
  shippingAddress: ShippingAddress | null,
): Promise<PlaceResult> {
  if (idempotencyKey === undefined || !IDEMPOTENCY_KEY_PATTERN.test(idempotencyKey)) {
    throw new ValidationError({ field: 'Idempotency-Key', detail: 'this header is required: 8 to 128 letters, digits or _ - : .' });
  }
  const address = shippingAddress === null ? null : validateShippingAddress(shippingAddress);
  // No lookup of the key first: `orders.place` answers a taken key with its order in the same
  // transaction, so a first checkout (the common case) costs no extra read. The first attempt
  // prices from the catalog as it reads fastest (a cache, on the engines profile); `place` checks
  // each book's version in its transaction, and a retry reads the system of record itself.
  for (let attempt = 1; ; attempt++) {
    const cart = await carts.get(userId);
    if (cart.lines.length > CART_LIMITS.linesMax) {
      throw new ConflictError('cart-full', `a cart checks out at most ${CART_LIMITS.linesMax} different books; remove some first`, 'bookId');
    }
    let books;
    let priced;
    try {
      books = await catalog.getMany(cart.lines.map((l) => l.bookId), { fresh: attempt > 1 });
      priced = priceCart(cart, books);
    } catch (e) {
      // The first request with this key may have placed the order and emptied the cart: that is
      // a replay, not an empty cart.
      const placedMeanwhile = await orders.findByIdempotencyKey(userId, idempotencyKey);
      if (placedMeanwhile) return { order: placedMeanwhile, created: false };
      throw e;
    }
    const createdAt = now();
    const order: Order = {
      id: newId(createdAt.getTime()),
      userId,
      lines: priced.lines,
      itemCount: priced.itemCount,
      total: priced.total,
      currency: priced.currency,
      status: 'placed',
      shippingAddress: address,
      idempotencyKey,
      createdAt: createdAt.toISOString(),
    };
    const pricedAt = new Map(priced.lines.map((l) => [l.bookId, books.get(l.bookId)!.version]));
    try {
      return await orders.place(order, cart.version, { pricedAt });
    } catch (e) {
      const raced = e instanceof ConflictError && (e.code === 'cart-changed' || e.code === 'prices-changed');
      if (!raced || attempt >= ATTEMPTS) throw e;
    }
  }
}

