import { createHash } from 'node:crypto';
import { cardDigits } from '../../domain/card.js';
import { PaymentDeclinedError } from '../../domain/errors.js';
import type { PaymentRecord } from '../../domain/order.js';
import type { ChargeRequest, Payments } from '../../ports/payments.js';

/** The card numbers the test provider knows (the same as Stripe's test mode, so they are familiar). */
export const TEST_CARDS = {
  succeeds: '4242424242424242',
  declined: '4000000000000002',
} as const;

/**
 * A payment provider that moves no money: the test card that succeeds is charged, the one that is
 * declined is refused, and any other valid number is refused too, so a real card typed into a demo
 * shop is never taken for a payment. References are derived from the idempotency key, so a retried
 * checkout gets the same reference, as from a real provider.
 */
export class TestPayments implements Payments {

  async charge(request: ChargeRequest): Promise<PaymentRecord> {
    const digits = cardDigits(request.card.number, 'payment/cardNumber');
    if (digits === TEST_CARDS.declined) throw new PaymentDeclinedError('the card was declined; try another card');
    if (digits !== TEST_CARDS.succeeds) throw new PaymentDeclinedError('this shop takes test cards only: use 4242 4242 4242 4242');
    const reference = `test_${createHash('sha256').update(`${request.idempotencyKey}:${request.amount}:${request.currency}`).digest('hex').slice(0, 24)}`;
    return { provider: 'test', reference, cardLast4: digits.slice(-4) };
  }

  async refund(_payment: PaymentRecord): Promise<void> {
    // Nothing moved, so nothing goes back.
  }
}
