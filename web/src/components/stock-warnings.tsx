import { ApiError } from '../api/client';
import type { CartLine, Shortage } from '../api/types';

function copies(n: number): string {
  return n === 1 ? '1 copy' : `${n} copies`;
}

/** Lines that want more copies than the shop had when the cart was read. */
export function shortLines(lines: readonly CartLine[]): CartLine[] {
  return lines.filter((l) => l.available && l.stock !== null && l.quantity > l.stock);
}

/**
 * Warns before checkout, line by line, that the shop has fewer copies than the cart wants. Only a
 * warning: stock moves with every sale, and checkout (which takes the copies) has the last word.
 */
export function CartStockWarning({ lines }: { lines: readonly CartLine[] }) {
  const short = shortLines(lines);
  if (short.length === 0) return null;
  return (
    <div className="notice notice-warn stock-warning" role="status" aria-label="Stock warning">
      <p className="notice-title">{short.length === 1 ? 'One book is short of copies' : `${short.length} books are short of copies`}</p>
      <ul>
        {short.map((l) => (
          <li key={l.bookId}>
            <strong>{l.title}</strong>: you want {copies(l.quantity)}, {l.stock === 0 ? 'it is out of stock' : `only ${copies(l.stock!)} left`}.
          </li>
        ))}
      </ul>
      <p>Lower the quantity{short.length === 1 ? '' : 'ies'} or remove {short.length === 1 ? 'it' : 'them'} before you check out, or checkout will stop.</p>
    </div>
  );
}

/** The books a refused checkout (409 out-of-stock) names, each with what is left. */
export function shortagesOf(error: unknown): Shortage[] {
  return error instanceof ApiError && error.code === 'out-of-stock' ? (error.problem?.shortages ?? []) : [];
}

export function ShortageList({ error }: { error: unknown }) {
  const shortages = shortagesOf(error);
  if (shortages.length === 0) return null;
  return (
    <ul className="shortages" aria-label="Books short of copies">
      {shortages.map((s) => (
        <li key={s.bookId}>
          <strong>{s.title}</strong>: you ordered {copies(s.requested)}, {s.available === 0 ? 'none are left' : `only ${copies(s.available)} left`}.
        </li>
      ))}
    </ul>
  );
}
