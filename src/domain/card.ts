import { ValidationError } from './errors.js';

/** Digits with optional spaces or dashes between groups: 12 to 19 digits, as card numbers have. */
export const CARD_NUMBER_PATTERN = '^[0-9][0-9 -]{10,28}[0-9]$';

/** The digits of a card number, checked by length and the Luhn check digit; ValidationError naming `field` otherwise. */
export function cardDigits(number: string, field: string): string {
  const digits = number.replace(/[ -]/g, '');
  if (!/^[0-9]{12,19}$/.test(digits) || !luhnValid(digits)) {
    throw new ValidationError({ field, detail: 'is not a valid card number: check the digits (a test card such as 4242 4242 4242 4242 works here)' });
  }
  return digits;
}

function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}
