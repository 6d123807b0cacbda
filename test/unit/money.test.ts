import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/domain/errors.js';
import { formatMinor, isCurrencyCode, MAX_PRICE_MINOR, minorUnitDigits, parseDecimalPrice } from '../../src/domain/money.js';

function issuesOf(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    if (e instanceof ValidationError) return e.issues;
    throw e;
  }
  throw new Error('expected a ValidationError');
}

describe('money', () => {
  it('parses decimal prices into minor units without floating-point error', () => {
    expect(parseDecimalPrice('12.99', 'USD')).toBe(1299);
    expect(parseDecimalPrice('0.29', 'USD')).toBe(29);
    expect(parseDecimalPrice('1.1', 'USD')).toBe(110);
    expect(parseDecimalPrice('12', 'USD')).toBe(1200);
    expect(parseDecimalPrice(' 4.99 ', 'EUR')).toBe(499);
  });

  it('uses the currency’s own number of decimals', () => {
    expect(minorUnitDigits('JPY')).toBe(0);
    expect(minorUnitDigits('BHD')).toBe(3);
    expect(parseDecimalPrice('1200', 'JPY')).toBe(1200);
    expect(parseDecimalPrice('1.234', 'BHD')).toBe(1234);
    expect(issuesOf(() => parseDecimalPrice('12.5', 'JPY'))).toEqual([{ field: 'price', detail: expect.stringContaining('JPY has 0 decimal places') }]);
    expect(issuesOf(() => parseDecimalPrice('12.999', 'USD'))[0]!.field).toBe('price');
  });

  it('rejects what is not a plain decimal amount, naming the field', () => {
    for (const bad of ['12,99', '-1', '1e3', '', '$5', '.5', '12.']) {
      expect(issuesOf(() => parseDecimalPrice(bad, 'USD', 'amount'))[0]!.field).toBe('amount');
    }
  });

  it('caps prices at MAX_PRICE_MINOR', () => {
    expect(parseDecimalPrice('100000.00', 'USD')).toBe(MAX_PRICE_MINOR);
    expect(issuesOf(() => parseDecimalPrice('100000.01', 'USD'))[0]!.detail).toContain(String(MAX_PRICE_MINOR));
  });

  it('formats minor units for display', () => {
    expect(formatMinor(1299, 'USD')).toBe('$12.99');
    expect(formatMinor(29, 'USD')).toBe('$0.29');
    expect(formatMinor(1200, 'JPY')).toBe('¥1,200');
  });

  it('knows ISO 4217 codes, upper case only', () => {
    expect(isCurrencyCode('USD')).toBe(true);
    expect(isCurrencyCode('JPY')).toBe(true);
    expect(isCurrencyCode('usd')).toBe(false);
    expect(isCurrencyCode('XYZ')).toBe(false);
    expect(isCurrencyCode('US')).toBe(false);
  });
});
