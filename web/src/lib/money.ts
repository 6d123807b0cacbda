const formatters = new Map<string, Intl.NumberFormat>();

function formatter(currency: string): Intl.NumberFormat {
  let f = formatters.get(currency);
  if (!f) {
    f = new Intl.NumberFormat(undefined, { style: 'currency', currency });
    formatters.set(currency, f);
  }
  return f;
}

/**
 * Makes the first number formatter of the page ahead of the first render. A browser's first
 * Intl.NumberFormat loads its locale data, about 100 ms on a phone; inside the first render it makes
 * that render one long task, on its own (while the page's code and data are on their way) it does not
 * add to it. Later formatters, whatever their currency or style, take a fraction of a millisecond.
 */
export function warmUpNumberFormatting(): void {
  formatter('USD');
}

/** How many minor units make one major unit's decimals: 2 for USD, 0 for JPY, 3 for KWD. */
export function minorDigits(currency: string): number {
  return formatter(currency).resolvedOptions().maximumFractionDigits ?? 2;
}

/** Formats integer minor units (1299 USD is $12.99) for the reader's locale. */
export function formatMoney(minor: number, currency: string): string {
  return formatter(currency).format(minor / 10 ** minorDigits(currency));
}

/**
 * Reads a price an admin typed ("12.99", "12", "12.5") into minor units without floating-point
 * rounding; null when it is not a plain non-negative decimal with at most the currency's decimals.
 */
export function parseMoney(text: string, currency: string): number | null {
  const digits = minorDigits(currency);
  const match = /^(\d{1,12})(?:[.,](\d*))?$/.exec(text.trim());
  if (!match) return null;
  const fraction = match[2] ?? '';
  if (fraction.length > digits) return null;
  return Number(match[1]) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
}

/** Minor units back to the plain decimal an input shows ("12.99"). */
export function moneyInputValue(minor: number, currency: string): string {
  const digits = minorDigits(currency);
  if (digits === 0) return String(minor);
  const whole = Math.floor(minor / 10 ** digits);
  return `${whole}.${String(minor % 10 ** digits).padStart(digits, '0')}`;
}

/** A price for a label: no decimals when they are zero ("$10", "$12.50"). */
export function formatMoneyShort(minor: number, currency: string): string {
  const digits = minorDigits(currency);
  if (minor % 10 ** digits !== 0) return formatMoney(minor, currency);
  return new Intl.NumberFormat(undefined, { style: 'currency', currency, minimumFractionDigits: 0, maximumFractionDigits: 0 }).format(minor / 10 ** digits);
}
