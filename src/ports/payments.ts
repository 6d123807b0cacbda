import type { MinorUnits } from '../domain/money.js';
import type { PaymentRecord } from '../domain/order.js';

/** A card as the customer typed it. Never logged, never stored: orders keep the last four digits. */
export interface Card {
  number: string;
}

export interface ChargeRequest {
  amount: MinorUnits;
  currency: string;
  card: Card;
  /** The checkout's idempotency key, scoped to the customer: a provider charges a retried key once. */
  idempotencyKey: string;
}

/**
 * Takes the money for an order. The test provider lives in src/adapters/payments; a real one (Stripe,
 * Adyen) plugs in here without the checkout changing.
 */
export interface Payments {
  /** Charges the card; PaymentDeclinedError when the card is refused. */
  charge(request: ChargeRequest): Promise<PaymentRecord>;
  /** Gives back a charge whose order was not placed, or was cancelled. */
  refund(payment: PaymentRecord, amount: MinorUnits, currency: string): Promise<void>;
}
