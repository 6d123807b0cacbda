/**
 * The one way the storefront writes a date ("2 Dec 2026" or "Dec 2, 2026", as the reader's locale
 * has it), with the time of day where it matters (an order).
 */
export function formatDate(iso: string, options: { time?: boolean } = {}): string {
  return new Date(iso).toLocaleString(undefined, options.time ? { dateStyle: 'medium', timeStyle: 'short' } : { dateStyle: 'medium' });
}
