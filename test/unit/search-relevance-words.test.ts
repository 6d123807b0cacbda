/**
 * The relevance rules read a book's category and description words from one space-separated string
 * (BookTerms.other): whole words, word starts, typo alternatives and split pairs must be found there
 * exactly as in a list of the words, and never across word boundaries.
 */
import { describe, expect, it } from 'vitest';
import type { QueryPlan, TermPlan } from '../../src/adapters/search-text/query-plan.js';
import { bookTerms, correctionFor, relevanceKey } from '../../src/adapters/search-text/relevance.js';

const term = (text: string, options: Partial<TermPlan> = {}): TermPlan => ({
  term: text,
  prefix: false,
  alternatives: [],
  edits: [],
  splits: [],
  found: true,
  required: true,
  ...options,
});
const plan = (...terms: TermPlan[]): QueryPlan => ({ terms, rankExactFirst: false, correctedQuery: null });
const book = (description: string, category = 'Fiction') => ({ title: 'Untitled', authors: ['Nobody'], category, description, rating: 4 });

/** Coverage and typos of a book whose only match can be its description. */
function found(p: QueryPlan, description: string, category?: string): { coverage: number; typos: number } {
  const { coverage, typos } = relevanceKey(p, book(description, category));
  return { coverage, typos };
}

describe('description words', () => {
  it('finds a whole word, not a part of one', () => {
    expect(found(plan(term('wizard')), 'A young wizard, at school.')).toEqual({ coverage: 1, typos: 0 });
    expect(found(plan(term('wizard')), 'Wizardry and wizards.')).toEqual({ coverage: 0, typos: 0 });
    expect(found(plan(term('izard')), 'A wizard.')).toEqual({ coverage: 0, typos: 0 });
    expect(found(plan(term('fiction')), 'Nothing here.')).toEqual({ coverage: 1, typos: 0 });
  });

  it('finds the start of a word while it is typed', () => {
    expect(found(plan(term('wiz', { prefix: true })), 'All about wizardry.')).toEqual({ coverage: 1, typos: 0 });
    expect(found(plan(term('zar', { prefix: true })), 'All about wizardry.')).toEqual({ coverage: 0, typos: 0 });
  });

  it('takes the fewest edits among the alternatives present, from each alternative\'s first place', () => {
    const wizrd = term('wizrd', { alternatives: ['wizards', 'wizard', 'wizards'], edits: [2, 1, 0] });
    expect(found(plan(wizrd), 'wizards and a wizard')).toEqual({ coverage: 1, typos: 1 });
    expect(found(plan(wizrd), 'only wizards here')).toEqual({ coverage: 1, typos: 2 });
    expect(found(plan(wizrd), 'a wizardly tale')).toEqual({ coverage: 0, typos: 0 });
  });

  it('finds a split term only as two neighbouring words', () => {
    const split = term('harrypotter', { splits: [['harry', 'potter']] });
    expect(found(plan(split), 'Harry Potter returns.')).toEqual({ coverage: 1, typos: 0 });
    expect(found(plan(split), 'Potter meets Harry.')).toEqual({ coverage: 0, typos: 0 });
    expect(found(plan(split), 'harry pottery')).toEqual({ coverage: 0, typos: 0 });
    // Neighbours among the distinct words: the second "harry" is not a word of its own.
    expect(found(plan(split), 'harry met sally, harry potter')).toEqual({ coverage: 0, typos: 0 });
  });

  it('names the description word a correction was read from', () => {
    const wizrd = term('wizrd', { alternatives: ['wizard'], edits: [1] });
    const b = book('A wizard.');
    expect(correctionFor(plan(wizrd), b, bookTerms(b))).toBe('wizard');
  });
});
