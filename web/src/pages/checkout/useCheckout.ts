import { useCallback, useRef, useState } from 'react';
import type { Order, ShippingAddress } from '../../api/types';
import { useApi } from '../../app/services';
import { newIdempotencyKey } from '../../lib/idempotency';

export type CheckoutStatus = 'idle' | 'submitting' | 'failed' | 'placed';

/**
 * One checkout attempt. Its Idempotency-Key is made once, when the checkout page opens, and sent
 * with every submission of this attempt: a double click, or a retry after the answer was lost,
 * gets the order the first submission created instead of a second one. While a submission is in
 * flight further ones are ignored outright.
 */
export function useCheckout(onPlaced: (order: Order) => void) {
  const api = useApi();
  const [idempotencyKey] = useState(newIdempotencyKey);
  const inFlight = useRef(false);
  const [status, setStatus] = useState<CheckoutStatus>('idle');
  const [error, setError] = useState<unknown>(null);

  const submit = useCallback(
    async (address: ShippingAddress, cardNumber?: string) => {
      if (inFlight.current) return;
      inFlight.current = true;
      setStatus('submitting');
      setError(null);
      try {
        const order = await api.placeOrder(idempotencyKey, address, cardNumber);
        setStatus('placed');
        onPlaced(order);
      } catch (failure) {
        setError(failure);
        setStatus('failed');
      } finally {
        inFlight.current = false;
      }
    },
    [api, idempotencyKey, onPlaced],
  );

  return { idempotencyKey, status, error, submit, busy: status === 'submitting' || status === 'placed' };
}
