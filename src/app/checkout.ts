import { CART_LIMITS } from '../domain/cart.js';
import { ConflictError, ValidationError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { IDEMPOTENCY_KEY_PATTERN, priceCart, validateShippingAddress, type Order, type ShippingAddress } from '../domain/order.js';
import type { Carts } from '../ports/carts.js';
import type { Catalog } from '../ports/catalog.js';
import type { Metrics } from '../ports/metrics.js';
import type { Orders, PlaceResult } from '../ports/orders.js';
import type { Card, Payments } from '../ports/payments.js';
import type { PaymentRecord } from '../domain/order.js';
import { OutOfStockError, shortagesOf } from '../domain/stock.js';

export interface CheckoutDeps {
  carts: Carts;
  catalog: Catalog;
  orders: Orders;
  payments: Payments;
  metrics: Metrics;
  now(): Date;
}

/** What a checkout may pay with; an order placed without it stays `placed` until an admin marks it paid. */
export interface CheckoutPayment {
  card: Card;
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
    async placeOrder(userId: string, idempotencyKey: string | undefined, shippingAddress: ShippingAddress | null, payment: CheckoutPayment | null = null): Promise<PlaceResult> {
      try {
        const result = await placeOrder(deps, userId, idempotencyKey, shippingAddress, payment);
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
  { carts, catalog, orders, payments, now }: CheckoutDeps,
  userId: string,
  idempotencyKey: string | undefined,
  shippingAddress: ShippingAddress | null,
  payment: CheckoutPayment | null,
): Promise<PlaceResult> {
  if (idempotencyKey === undefined || !IDEMPOTENCY_KEY_PATTERN.test(idempotencyKey)) {
    throw new ValidationError({ field: 'Idempotency-Key', detail: 'this header is required: 8 to 128 letters, digits or _ - : .' });
  }
  const address = shippingAddress === null ? null : validateShippingAddress(shippingAddress);
  if (payment) {
    // A paying retry must not charge twice: the key answers with its order before any charge.
    const placed = await orders.findByIdempotencyKey(userId, idempotencyKey);
    if (placed) return { order: placed, created: false };
  }
  type Charge = PaymentRecord & { amount: number; currency: string };
  // Typed by hand: the closures below assign it, which narrowing from a plain `= null` would not see.
  let charged = null as Charge | null;
  const refund = async () => {
    if (charged) await payments.refund(charged, charged.amount, charged.currency);
    charged = null;
  };
  const charge = async (amount: number, currency: string, attempt: number) => {
    const record = await payments.charge({ amount, currency, card: payment!.card, idempotencyKey: `${userId}:${idempotencyKey}:${attempt}` });
    charged = { ...record, amount, currency };
  };
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
      await refund();
      const placedMeanwhile = await orders.findByIdempotencyKey(userId, idempotencyKey);
      if (placedMeanwhile) return { order: placedMeanwhile, created: false };
      throw e;
    }
    // Too few copies as read is answered before any charge; the transaction checks again.
    const short = shortagesOf(priced.lines, books);
    if (short.length > 0) {
      await refund();
      // As above: a retry whose first request placed the order answers with it, not with the stock.
      const placedMeanwhile = await orders.findByIdempotencyKey(userId, idempotencyKey);
      if (placedMeanwhile) return { order: placedMeanwhile, created: false };
      throw new OutOfStockError(short);
    }
    const createdAt = now();
    const at = createdAt.toISOString();
    // A cart priced again after a race may cost something else now: the charge follows the price.
    if (charged && (charged.amount !== priced.total || charged.currency !== priced.currency)) await refund();
    if (payment && !charged) await charge(priced.total, priced.currency, attempt);
    const customer = { role: 'customer' as const, userId };
    const order: Order = {
      id: newId(createdAt.getTime()),
      userId,
      lines: priced.lines,
      itemCount: priced.itemCount,
      total: priced.total,
      currency: priced.currency,
      status: charged ? 'paid' : 'placed',
      statusHistory: charged
        ? [
            { status: 'placed', at, by: customer },
            { status: 'paid', at, by: customer },
          ]
        : [{ status: 'placed', at, by: customer }],
      payment: charged ? { provider: charged.provider, reference: charged.reference, cardLast4: charged.cardLast4 } : null,
      shippingAddress: address,
      idempotencyKey,
      createdAt: at,
    };
    const countedStock = new Set(priced.lines.filter((l) => books.get(l.bookId)!.stock !== null).map((l) => l.bookId));
    try {
      const result = await orders.place(order, cart.version, { takeStock: { countedStock } });
      // A key that had placed its order meanwhile keeps that order's payment; this charge goes back.
      if (!result.created) await refund();
      return result;
    } catch (e) {
      const raced = e instanceof ConflictError && (e.code === 'cart-changed' || e.code === 'prices-changed');
      if (!raced || attempt >= ATTEMPTS) {
        await refund();
        throw e;
      }
    }
  }
}

