import { describe, expect, it } from 'vitest';
import { bookEtag, validateBookInput, versionFromEtag, versionsFromIfMatch, type BookInput } from '../../src/domain/book.js';
import { ValidationError } from '../../src/domain/errors.js';

const valid: BookInput = {
  isbn: '978-0-14-143951-8',
  title: '  Pride   and Prejudice ',
  authors: [' Jane  Austen '],
  category: 'Romance',
  description: ' A comedy of manners. ',
  price: 899,
  currency: 'USD',
  coverUrl: null,
  rating: 4.66,
  year: 1813,
};

function fieldsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ValidationError) return e.issues.map((i) => i.field);
    throw e;
  }
  throw new Error('expected a ValidationError');
}

describe('validateBookInput', () => {
  it('normalizes a valid book', () => {
    expect(validateBookInput(valid)).toEqual({
      isbn: '9780141439518',
      title: 'Pride and Prejudice',
      authors: ['Jane Austen'],
      category: 'Romance',
      description: 'A comedy of manners.',
      price: 899,
      currency: 'USD',
      coverUrl: null,
      rating: 4.7,
      year: 1813,
    });
  });

  it('defaults a missing cover to null and accepts http(s) covers', () => {
    const { coverUrl: _omitted, ...withoutCover } = valid;
    expect(validateBookInput(withoutCover as BookInput).coverUrl).toBeNull();
    expect(validateBookInput({ ...valid, coverUrl: 'https://covers.example.com/p.jpg' }).coverUrl).toBe('https://covers.example.com/p.jpg');
  });

  it('lists every wrong field in one error', () => {
    const bad = {
      ...valid,
      isbn: '9780141439519',
      title: '   ',
      authors: ['Jane Austen', ' '],
      price: 8.99,
      currency: 'usd',
      coverUrl: 'ftp://example.com/x.jpg',
      rating: 5.5,
      year: 1813.5,
    };
    expect(fieldsOf(() => validateBookInput(bad))).toEqual(['isbn', 'title', 'authors/1', 'price', 'currency', 'coverUrl', 'rating', 'year']);
  });

  it('requires every field of a full input', () => {
    expect(fieldsOf(() => validateBookInput({} as BookInput))).toEqual(['isbn', 'title', 'authors', 'category', 'description', 'price', 'currency', 'rating', 'year']);
    expect(fieldsOf(() => validateBookInput({ ...valid, authors: [] }))).toEqual(['authors']);
    expect(fieldsOf(() => validateBookInput({ ...valid, price: -1 }))).toEqual(['price']);
    expect(fieldsOf(() => validateBookInput({ ...valid, title: 'x'.repeat(301) }))).toEqual(['title']);
  });

  it('checks only the given fields of a partial input', () => {
    expect(validateBookInput({ price: 1299 }, true)).toEqual({ price: 1299 });
    expect(fieldsOf(() => validateBookInput({ year: 3000 }, true))).toEqual(['year']);
  });
});

describe('ETags', () => {
  it('round-trip the version of the same book only', () => {
    const tag = bookEtag({ id: 'abc', version: 7 });
    expect(tag).toBe('"abc.v7"');
    expect(versionFromEtag('abc', tag)).toBe(7);
    expect(versionFromEtag('abc', `W/${tag}`)).toBeNull();
    expect(versionFromEtag('other', tag)).toBeNull();
    expect(versionFromEtag('abc', 'abc.v7')).toBeNull();
  });

  it('reads If-Match as RFC 9110 does: *, a list of strong tags, never a weak one', () => {
    expect(versionsFromIfMatch('abc', '*')).toBe('any');
    expect(versionsFromIfMatch('abc', '"x", "abc.v3"')).toEqual([3]);
    expect(versionsFromIfMatch('abc', '"abc.v2","abc.v3"')).toEqual([2, 3]);
    expect(versionsFromIfMatch('abc', 'W/"abc.v3"')).toEqual([]);
    expect(versionsFromIfMatch('abc', 'W/"abc.v3", "abc.v4"')).toEqual([4]);
    expect(versionsFromIfMatch('abc', '"abc.v3" junk')).toEqual([]);
    expect(versionsFromIfMatch('abc', '"other.v3"')).toEqual([]);
  });
});
