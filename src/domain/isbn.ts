import { ValidationError } from './errors.js';

function isbn13CheckDigit(first12: string): number {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(first12[i]) * (i % 2 === 0 ? 1 : 3);
  return (10 - (sum % 10)) % 10;
}

function isValidIsbn10(d: string): boolean {
  let sum = 0;
  for (let i = 0; i < 10; i++) {
    const c = d[i]!;
    const v = c === 'X' && i === 9 ? 10 : Number(c);
    if (Number.isNaN(v)) return false;
    sum += v * (10 - i);
  }
  return sum % 11 === 0;
}

/** Builds a valid ISBN-13 from its first 12 digits (used by the demo seeder). */
export function completeIsbn13(first12: string): string {
  return first12 + String(isbn13CheckDigit(first12));
}

/**
 * Normalizes an ISBN-10 or ISBN-13 (hyphens and spaces allowed) to the 13-digit form, checking
 * the check digit, so the same book imported in either form has one identity.
 */
export function normalizeIsbn(raw: string, field = 'isbn'): string {
  const d = raw.replace(/[\s-]/g, '').toUpperCase();
  if (/^\d{13}$/.test(d)) {
    if (isbn13CheckDigit(d.slice(0, 12)) !== Number(d[12])) {
      throw new ValidationError({ field, detail: `"${raw}" has a wrong ISBN-13 check digit` });
    }
    return d;
  }
  if (/^\d{9}[\dX]$/.test(d)) {
    if (!isValidIsbn10(d)) throw new ValidationError({ field, detail: `"${raw}" has a wrong ISBN-10 check digit` });
    return completeIsbn13('978' + d.slice(0, 9));
  }
  throw new ValidationError({ field, detail: `"${raw}" is not an ISBN-10 or ISBN-13` });
}
