import { describe, expect, it } from 'vitest';
import { deletionNeighbourhood, indexedDepth, neighbourHash } from '../../src/adapters/embedded/search/typo-candidates.js';
import { editDistance, maxEditsFor, reachableEditsFor, typoCost } from '../../src/adapters/search-text/edit-distance.js';
import { isCorrectable, isFuzzyTarget } from '../../src/adapters/search-text/near-spellings.js';

describe('editDistance (optimal string alignment)', () => {
  it('counts insertions, deletions, substitutions and adjacent transpositions as one edit each', () => {
    expect(editDistance('potter', 'potter', 2)).toBe(0);
    expect(editDistance('poter', 'potter', 2)).toBe(1);
    expect(editDistance('potter', 'poter', 2)).toBe(1);
    expect(editDistance('prejudise', 'prejudice', 2)).toBe(1);
    expect(editDistance('tolkein', 'tolkien', 2)).toBe(1);
    expect(editDistance('hobit', 'hobbit', 2)).toBe(1);
    expect(editDistance('ca', 'abc', 3)).toBe(3);
    expect(editDistance('', 'abc', 5)).toBe(3);
  });

  it('stops at the bound and reports max + 1 beyond it', () => {
    expect(editDistance('kitten', 'sitting', 3)).toBe(3);
    expect(editDistance('kitten', 'sitting', 2)).toBe(3);
    expect(editDistance('kitten', 'sitting', 1)).toBe(2);
    expect(editDistance('a', 'abcdefgh', 2)).toBe(3);
    expect(editDistance('', 'abcdefgh', 2)).toBe(3);
  });

  it('agrees with a plain full-matrix count on many words, with and without astral characters', () => {
    const reference = (a: string, b: string): number => {
      const s = Array.from(a);
      const t = Array.from(b);
      const d = Array.from({ length: s.length + 1 }, (_, i) => Array.from({ length: t.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
      for (let i = 1; i <= s.length; i++) {
        for (let j = 1; j <= t.length; j++) {
          d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (s[i - 1] === t[j - 1] ? 0 : 1));
          if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
        }
      }
      return d[s.length]![t.length]!;
    };
    const letters = ['a', 'b', 'c', 'é', '😀'];
    let seed = 11;
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    const word = () => Array.from({ length: random(9) }, () => letters[random(letters.length)]).join('');
    for (let n = 0; n < 3000; n++) {
      const [a, b, max] = [word(), word(), random(4)];
      expect(editDistance(a, b, max)).toBe(Math.min(reference(a, b), max + 1));
    }
    // Long words after short ones: the rows kept between calls grow.
    expect(editDistance('a'.repeat(200), `${'a'.repeat(199)}b`, 2)).toBe(1);
  });

  it('works on code points, so an astral character is one edit', () => {
    expect(editDistance('a😀b', 'ab', 2)).toBe(1);
    expect(editDistance('😀😁', '😁😀', 2)).toBe(1);
  });

  it('allows one edit from three letters and two from seven', () => {
    expect([1, 2, 3, 5, 6, 7, 8, 20].map(maxEditsFor)).toEqual([0, 0, 1, 1, 1, 2, 2, 2]);
  });

  it('stores a term as deep as the longest query that can reach it searches', () => {
    // A seven-letter query (two edits) reaches five-letter terms; nothing reaches a four-letter term with two.
    expect([3, 4, 5, 6, 9].map(reachableEditsFor)).toEqual([1, 1, 2, 2, 2]);
  });

  it('costs a wrong first letter one edit more', () => {
    expect(typoCost('kil', 'kill', 1)).toBe(1);
    expect(typoCost('kil', 'nil', 1)).toBe(2);
    expect(typoCost('wnd', 'and', 1)).toBe(2);
    expect(typoCost('twilite', 'twilight', 2)).toBe(3);
    expect(typoCost('mokingjay', 'mockingjay', 2)).toBe(1);
    expect(typoCost('gatsby', 'gatsby', 0)).toBe(0);
  });
});

describe('symmetric-delete typo candidates', () => {
  it('lists the term and everything left after deleting up to depth characters', () => {
    expect([...deletionNeighbourhood('abc', 1)].sort()).toEqual(['ab', 'abc', 'ac', 'bc']);
    expect([...deletionNeighbourhood('abc', 2)].sort()).toEqual(['a', 'ab', 'abc', 'ac', 'b', 'bc', 'c']);
    expect([...deletionNeighbourhood('abc', 0)]).toEqual(['abc']);
  });

  it('always gives two terms within the allowed edits a common neighbour', () => {
    const words = ['harry', 'hary', 'harr', 'hrary', 'potter', 'poter', 'pottre', 'prejudice', 'prejudise', 'perjudice', 'prejudce', 'prejudicee', 'tolkien', 'tolkein', 'hobbit', 'hobit', 'hobbits', 'cat', 'cats', 'kil', 'kill', 'twilite', 'twilit', 'twilight', 'habit', 'hobbat', 'flies', 'flys'];
    for (const query of words) {
      const max = maxEditsFor(Array.from(query).length);
      const mine = deletionNeighbourhood(query, max);
      for (const term of words.filter(isFuzzyTarget)) {
        if (editDistance(query, term, max) > max) continue;
        const theirs = deletionNeighbourhood(term, indexedDepth(term));
        expect([...mine].some((n) => theirs.has(n)), `${query} ~ ${term}`).toBe(true);
      }
    }
  });

  it('corrects only words long enough, and never numbers', () => {
    expect(isCorrectable('ca')).toBe(false);
    expect(isCorrectable('cat')).toBe(true);
    expect(isCorrectable('1984')).toBe(false);
    expect(isFuzzyTarget('cat')).toBe(true);
    expect(isFuzzyTarget('x'.repeat(40))).toBe(false);
  });

  it('hashes to stable unsigned 32-bit integers', () => {
    expect(neighbourHash('harry')).toBe(neighbourHash('harry'));
    expect(neighbourHash('harry')).not.toBe(neighbourHash('hary'));
    for (const s of ['', 'a', 'harry potter', 'ünïcödé']) {
      const h = neighbourHash(s);
      expect(Number.isInteger(h) && h >= 0 && h < 2 ** 32).toBe(true);
    }
  });
});
