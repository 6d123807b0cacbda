import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/domain/errors.js';
import { completeIsbn13, normalizeIsbn } from '../../src/domain/isbn.js';

function issueOf(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    if (e instanceof ValidationError) return e.issues[0];
    throw e;
  }
  throw new Error('expected a ValidationError');
}

describe('ISBN', () => {
  it('computes the ISBN-13 check digit', () => {
    expect(completeIsbn13('978014143951')).toBe('9780141439518');
    expect(completeIsbn13('978000000001')).toBe('9780000000019');
    // A weighted sum that is already a multiple of ten gives check digit 0, not 10.
    expect(completeIsbn13('978000000004')).toBe('9780000000040');
  });

  it('normalizes ISBN-13 with hyphens and spaces', () => {
    expect(normalizeIsbn('978-0-14-143951-8')).toBe('9780141439518');
    expect(normalizeIsbn(' 978 0141439518 ')).toBe('9780141439518');
  });

  it('converts ISBN-10 (including an X check digit) to ISBN-13', () => {
    expect(normalizeIsbn('0-06-093434-4')).toBe('9780060934347');
    expect(normalizeIsbn('0141439661')).toBe('9780141439662');
    expect(normalizeIsbn('080442957x')).toBe('9780804429573');
  });

  it('rejects wrong check digits and malformed input, naming the field', () => {
    expect(issueOf(() => normalizeIsbn('9780141439519'))).toEqual({ field: 'isbn', detail: expect.stringContaining('ISBN-13 check digit') });
    expect(issueOf(() => normalizeIsbn('0060934345'))).toEqual({ field: 'isbn', detail: expect.stringContaining('ISBN-10 check digit') });
    expect(issueOf(() => normalizeIsbn('12345', 'isbns/3'))).toEqual({ field: 'isbns/3', detail: expect.stringContaining('not an ISBN') });
    expect(issueOf(() => normalizeIsbn('X123456789'))!.field).toBe('isbn');
  });
});
