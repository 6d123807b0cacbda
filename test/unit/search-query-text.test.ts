import { describe, expect, it } from 'vitest';
import { ftsString } from '../../src/adapters/embedded/search/fts-expression.js';
import { MAX_QUERY_TERMS, parseQuery } from '../../src/adapters/search-text/query-text.js';
import { endsInWord, foldText, terms, words } from '../../src/adapters/search-text/tokens.js';

describe('terms', () => {
  it('splits on everything but letters and digits, folding case and diacritics', () => {
    expect(terms("Harry Potter and the Philosopher's Stone")).toEqual(['harry', 'potter', 'and', 'the', 'philosopher', 's', 'stone']);
    expect(terms('Émile ZOLA, Thérèse Raquin (1867)')).toEqual(['emile', 'zola', 'therese', 'raquin', '1867']);
    expect(terms('naïve café São Paulo Ærø')).toEqual(['naive', 'cafe', 'sao', 'paulo', 'ærø']);
  });

  it('treats decomposed and precomposed text alike', () => {
    expect(terms('Cafe\u0301 Tho\u0308')).toEqual(terms('Café Thö'));
  });

  it('folds compatibility forms and final sigma like the index', () => {
    expect(terms('ﬁne ½')).toEqual(['fine', '1', '2']);
    expect(foldText('ΟΔΟΣ')).toBe(foldText('οδος'));
    expect(foldText('οδος')).toBe('οδοσ');
  });

  it('keeps non-Latin scripts as words', () => {
    expect(terms('東京 Москва')).toEqual(['東京', 'москва']);
  });

  it('locates words in the original text', () => {
    const text = 'Le Café, noir';
    expect(words(text).map((w) => [text.slice(w.start, w.end), w.terms])).toEqual([
      ['Le', ['le']],
      ['Café', ['cafe']],
      ['noir', ['noir']],
    ]);
  });

  it('knows whether the text ends inside a word', () => {
    expect(endsInWord('hobb')).toBe(true);
    expect(endsInWord('hobb ')).toBe(false);
    expect(endsInWord('hobb.')).toBe(false);
    expect(endsInWord('')).toBe(false);
  });
});

describe('parseQuery', () => {
  it('keeps only words from hostile input', () => {
    const samples = ['"', 'AND', 'NEAR(', '*', '-', 'title:x', '(', '"unbalanced', '{title}: x', 'a OR b', 'x^y', '\u0000'];
    for (const q of samples) {
      for (const term of parseQuery(q).terms) expect(term, q).toMatch(/^[\p{L}\p{N}]+$/u);
    }
    expect(parseQuery('title:x').terms).toEqual(['title', 'x']);
    expect(parseQuery('NEAR(harry potter, 2)').terms).toEqual(['near', 'harry', 'potter', '2']);
    expect(parseQuery('***').terms).toEqual([]);
  });

  it('marks the last term as a prefix only while it is being typed', () => {
    expect(parseQuery('harry pot')).toEqual({ terms: ['harry', 'pot'], lastIsPrefix: true });
    expect(parseQuery('harry pot ')).toEqual({ terms: ['harry', 'pot'], lastIsPrefix: false });
    expect(parseQuery('harry pot"')).toEqual({ terms: ['harry', 'pot'], lastIsPrefix: false });
    expect(parseQuery('   ')).toEqual({ terms: [], lastIsPrefix: false });
  });

  it('drops repeated terms but keeps the one being typed last', () => {
    expect(parseQuery('the lord of the')).toEqual({ terms: ['lord', 'of', 'the'], lastIsPrefix: true });
    expect(parseQuery('the lord of the ')).toEqual({ terms: ['the', 'lord', 'of'], lastIsPrefix: false });
  });

  it('bounds the work for very long input', () => {
    const long = parseQuery(Array.from({ length: 500 }, (_, i) => `w${i}`).join(' '));
    expect(long.terms).toHaveLength(MAX_QUERY_TERMS);
    expect(long.lastIsPrefix).toBe(false);
    expect(parseQuery('a'.repeat(5000)).terms).toEqual(['a'.repeat(1000)]);
  });

  it('quotes terms as FTS5 strings', () => {
    expect(ftsString('harry')).toBe('"harry"');
    expect(ftsString('a"b')).toBe('"a""b"');
  });
});
