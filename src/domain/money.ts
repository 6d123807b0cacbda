import { ValidationError } from './errors.js';

/** Money is always an integer count of the currency's minor unit (cents for USD, yen for JPY). */
export type MinorUnits = number;

export const MAX_PRICE_MINOR = 100_000_00;

const knownCurrencies = new Set(Intl.supportedValuesOf('currency'));

export function isCurrencyCode(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && knownCurrencies.has(code);
}

const digitsByCurrency = new Map<string, number>();

/** Digits after the decimal point for an ISO 4217 currency (2 for USD, 0 for JPY, 3 for BHD). */
export function minorUnitDigits(currency: string): number {
  // Building an Intl.NumberFormat costs tens of microseconds: too much per row of a 100k-book import.
  let digits = digitsByCurrency.get(currency);
  if (digits === undefined) {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    digitsByCurrency.set(currency, digits);
  }
  return digits;
}

/**
 * Parses a decimal price such as `12.99` into minor units without going through floating point,
 * so `0.29` is exactly 29 cents. Rejects more fraction digits than the currency has.
 */
export function parseDecimalPrice(text: string, currency: string, field = 'price'): MinorUnits {
  const trimmed = text.trim();
  const match = /^(\d{1,9})(?:\.(\d+))?$/.exec(trimmed);
  if (!match) throw new ValidationError({ field, detail: `"${text}" is not a decimal amount such as 12.99` });
  const digits = minorUnitDigits(currency);
  const fraction = match[2] ?? '';
  if (fraction.length > digits) {
    throw new ValidationError({ field, detail: `${currency} has ${digits} decimal places, got "${text}"` });
  }
  const minor = Number(match[1]) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
  if (minor > MAX_PRICE_MINOR) throw new ValidationError({ field, detail: `must be at most ${MAX_PRICE_MINOR} minor units` });
  return minor;
}

export function formatMinor(amount: MinorUnits, currency: string): string {
  const digits = minorUnitDigits(currency);
  return new Intl.NumberFormat('en', { style: 'currency', currency }).format(amount / 10 ** digits);
}
