import { describe, expect, it } from 'vitest';
import { decodeCursorToken, encodeCursorToken } from '../../src/adapters/search-text/cursor-token.js';
import { nearSpellings } from '../../src/adapters/search-text/near-spellings.js';
import { planQuery, requiredTerms, termMatch, wantsAlternatives, type TermStatistics } from '../../src/adapters/search-text/query-plan.js';
import { parseQuery } from '../../src/adapters/search-text/query-text.js';
import { bm25Idf, columnTerms, termCount } from '../../src/adapters/search-text/ranking.js';
import { candidateOf, pickSuggestions } from '../../src/adapters/search-text/suggestions.js';
import { ValidationError } from '../../src/domain/errors.js';
import type { SearchQuery } from '../../src/ports/search-index.js';

/** Statistics of a made-up index: document frequencies of its terms. */
function statistics(df: Record<string, number>): TermStatistics {
  const vocabulary = Object.entries(df).map(([term, n]) => ({ term, df: n }));
  return {
    df: (term) => df[term] ?? 0,
    hasPrefix: (prefix) => vocabulary.some((v) => v.df > 0 && v.term.startsWith(prefix)),
    neighbours: (term) => nearSpellings(term, vocabulary),
  };
}

const STATS = statistics({ harry: 40, hary: 2, potter: 30, poter: 0, hobbit: 5, the: 300, prejudice: 1 });

describe('nearSpellings', () => {
  it('keeps indexed terms within the edit budget, closest then most frequent first', () => {
    const found = nearSpellings('hobit', [
      { term: 'hobbit', df: 5 },
      { term: 'habit', df: 9 },
      { term: 'hobbits', df: 50 },
      { term: 'hobit', df: 3 },
      { term: 'orbit', df: 0 },
    ]);
    expect(found.map((n) => [n.term, n.distance])).toEqual([
      ['habit', 1],
      ['hobbit', 1],
    ]);
    expect(nearSpellings('cat', [{ term: 'bat', df: 9 }])).toEqual([]);
  });
});

describe('planQuery', () => {
  it('expands only unknown terms, and rare ones next to a much more common near-spelling', () => {
    const plan = planQuery(parseQuery('hary poter '), STATS);
    expect(plan.terms.map((t) => [t.term, t.alternatives, t.found])).toEqual([
      ['hary', ['harry'], true],
      ['poter', ['potter'], false],
    ]);
    expect(plan.correctedQuery).toBe('harry potter');
    // A term not found cannot have a first tier of books matching it as typed.
    expect(plan.rankExactFirst).toBe(false);
    expect(planQuery(parseQuery('hary '), STATS).rankExactFirst).toBe(true);
    // Rare but without a near-spelling ten times as common: searched as typed.
    expect(planQuery(parseQuery('hobbit '), STATS).terms[0]!.alternatives).toEqual([]);
    expect(planQuery(parseQuery('the harry '), STATS).correctedQuery).toBeNull();
  });

  it('expands a prefix only when no word starts with it', () => {
    const plain = { edits: [], splits: [], required: true };
    expect(planQuery(parseQuery('hobb'), STATS).terms[0]).toEqual({ ...plain, term: 'hobb', prefix: true, found: true, alternatives: [] });
    expect(planQuery(parseQuery('prejudise'), STATS).terms[0]).toEqual({
      ...plain,
      term: 'prejudise',
      prefix: true,
      found: false,
      alternatives: ['prejudice'],
      edits: [1],
    });
  });

  it('says when an index must look up alternatives', () => {
    expect(wantsAlternatives('harry', false, 3)).toBe(true);
    expect(wantsAlternatives('harry', false, 4)).toBe(false);
    expect(wantsAlternatives('harr', true, 0)).toBe(true);
    expect(wantsAlternatives('harr', true, 1)).toBe(false);
    expect(wantsAlternatives('hay', false, 0)).toBe(true);
    expect(wantsAlternatives('ha', false, 0)).toBe(false);
  });

  it('matches document terms whole, as the typed prefix, or as an alternative', () => {
    const plan = planQuery(parseQuery('hary pot'), STATS);
    expect(termMatch(plan, 'harry')).toBe('whole');
    expect(termMatch(plan, 'potter')).toBe('prefix');
    expect(termMatch(plan, 'hobbit')).toBeNull();
  });
});

describe('planQuery: other spellings, run-together words and stop words', () => {
  const stats = statistics({ angels: 4, demons: 3, and: 50, the: 300, five: 2, slaughterhouse: 1, hitchhiker: 2, da: 3, vinci: 3, code: 9 });

  it('never requires a stop word while the query holds other words', () => {
    const plan = planQuery(parseQuery('angels and demons '), stats);
    expect(plan.terms.map((t) => [t.term, t.required])).toEqual([
      ['angels', true],
      ['and', false],
      ['demons', true],
    ]);
    expect(requiredTerms(plan).map((t) => t.term)).toEqual(['angels', 'demons']);
    // Only stop words: they are what the shopper means.
    expect(planQuery(parseQuery('the '), stats).terms[0]!.required).toBe(true);
  });

  it('accepts numbers in words and figures, and a plural or possessive without its s, as no correction', () => {
    const plan = planQuery(parseQuery('slaughterhouse 5 hitchhikers '), stats);
    expect(plan.terms.map((t) => [t.term, t.alternatives, t.edits])).toEqual([
      ['slaughterhouse', [], []],
      ['5', ['five'], [0]],
      ['hitchhikers', ['hitchhiker'], [0]],
    ]);
    expect(plan.correctedQuery).toBeNull();
  });

  it('reads an unknown term as two words run together, and says so', () => {
    const plan = planQuery(parseQuery('davinci code '), stats);
    expect(plan.terms[0]!.splits).toEqual([['da', 'vinci']]);
    expect(plan.correctedQuery).toBe('da vinci code');
    expect(planQuery(parseQuery('davinci code '), stats, { autocorrect: false }).terms[0]!.splits).toEqual([]);
  });

  it('searches the words as typed when autocorrect is off', () => {
    const plan = planQuery(parseQuery('hary poter '), STATS, { autocorrect: false });
    expect(plan.terms.map((t) => t.alternatives)).toEqual([[], []]);
    expect(plan.correctedQuery).toBeNull();
  });
});

describe('ranking', () => {
  it('counts the terms of every column, as the index tokenizes them', () => {
    const columns = columnTerms({ title: "Harry's Stone", authors: ['J. K. Rowling', 'X'], category: 'Fantasy', description: '' });
    expect(columns).toEqual({ title: 'harry s stone', authors: 'j k rowling x', category: 'fantasy', description: '' });
    expect(termCount(columns)).toBe(8);
  });

  it('floors the inverse document frequency of very common terms as FTS5 does', () => {
    expect(bm25Idf(100, 1)).toBeCloseTo(Math.log(99.5 / 1.5));
    expect(bm25Idf(100, 60)).toBe(1e-6);
  });
});

describe('suggestions', () => {
  it('puts leading then popular candidates first, once per folded text, then completions', () => {
    const plan = planQuery(parseQuery('the h'), STATS);
    const typed = 'the h';
    const candidates = [
      candidateOf(plan, typed, 'Walking the Hills', 5, 'w'),
      candidateOf(plan, typed, 'The Hobbit', 4, 'h1'),
      candidateOf(plan, typed, 'THE HOBBIT', 3, 'h2'),
      candidateOf(plan, typed, 'Nothing here', 5, 'n'),
    ].flatMap((c) => (c ? [c] : []));
    expect(candidates).toHaveLength(3);
    const out = pickSuggestions(plan, 'The H', candidates, () => ['harry'], 10);
    // No word completions for a one-letter prefix.
    expect(out.map((s) => s.text)).toEqual(['The Hobbit', 'Walking the Hills']);
    expect(out[0]).toEqual({ text: 'The Hobbit', highlighted: '<mark>The</mark> <mark>H</mark>obbit', bookId: 'h1' });
    expect(pickSuggestions(plan, 'The H', candidates, () => [], 1)).toHaveLength(1);

    const ho = planQuery(parseQuery('the ho'), STATS);
    const hobbit = [candidateOf(ho, 'the ho', 'The Hobbit', 4, 'h1')!];
    // Completions already shown in a suggestion are left out.
    expect(pickSuggestions(ho, 'The Ho', hobbit, () => ['hobbit', 'hold', 'home'], 3).map((s) => s.text)).toEqual(['The Hobbit', 'The hold', 'The home']);
  });
});

describe('cursor tokens', () => {
  const query: SearchQuery = { q: 'harry', sort: 'relevance', limit: 10 };
  const readOffset = ({ o }: Record<string, unknown>) => (typeof o === 'number' ? o : undefined);

  it('round-trip a position for the same search, whatever the page size', () => {
    const token = encodeCursorToken(query, { o: 20 });
    expect(decodeCursorToken({ ...query, limit: 50, cursor: token }, readOffset)).toBe(20);
    expect(decodeCursorToken(query, readOffset)).toBeUndefined();
  });

  it('reject a token of another search, a foreign position and garbage', () => {
    const token = encodeCursorToken(query, { o: 20 });
    for (const [cursor, other] of [
      [token, { q: 'potter' }],
      [encodeCursorToken(query, { a: 1 }), {}],
      ['!!', {}],
      ['eyJ4IjoxfQ', {}],
    ] as const) {
      const error = (() => {
        try {
          decodeCursorToken({ ...query, ...other, cursor }, readOffset);
        } catch (e) {
          return e;
        }
      })();
      expect(error, cursor).toBeInstanceOf(ValidationError);
    }
  });
});
