/**
 * Search-as-you-type ranking shared by both indexes: each index finds candidate titles and author
 * names its own way; which of them qualify, their order, de-duplication, marking and the word
 * completions that fill up the list are decided here.
 */
import type { Suggestion } from '../../ports/search-index.js';
import { highlight, prefixLength, type WordMarker } from './highlight.js';
import { termMatch, type QueryPlan } from './query-plan.js';
import { foldText, terms, words } from './tokens.js';

/** Word completions below this length would list most of the vocabulary. */
const MIN_WORD_PREFIX = 2;

export interface SuggestionCandidate {
  text: string;
  bookId?: string;
  /** What the storefront shows beside a book's title. */
  book?: { authors: readonly string[]; coverUrl: string | null };
  /** The text starts with what was typed. */
  leading: boolean;
  /** Rating of the best book behind it: the popularity proxy. */
  popularity: number;
}

/** Marks the typed part: a word matched as a prefix only up to what was typed, other matches whole. */
function typedMarker(plan: QueryPlan): WordMarker {
  return (word, text) => {
    const wordText = text.slice(word.start, word.end);
    for (const term of word.terms) {
      const match = termMatch(plan, term);
      if (match === 'whole') return wordText.length;
      const typed = match === 'prefix' ? plan.terms.find((t) => t.prefix && term.startsWith(t.term)) : undefined;
      if (typed) return prefixLength(wordText, typed.term);
    }
    return 0;
  };
}

/** A title or author name with its terms, split once for every suggestion it takes part in. */
export interface SuggestionText {
  readonly text: string;
  readonly terms: readonly string[];
  /** The terms joined by spaces, to compare with what was typed. */
  readonly joined: string;
}

export function suggestionText(text: string): SuggestionText {
  const found = terms(text);
  return { text, terms: found, joined: found.join(' ') };
}

/** Whether the text contains every term of the plan (as typed, as a prefix, or an alternative). */
function satisfies(plan: QueryPlan, found: readonly string[]): boolean {
  return plan.terms.every((t) => found.some((term) => term === t.term || t.alternatives.includes(term) || (t.prefix && term.startsWith(t.term))));
}

/** Whether the text starts with the typed terms (`typed` is them joined by spaces). */
function startsWithTyped(joined: string, typed: string, lastIsPrefix: boolean): boolean {
  return lastIsPrefix ? joined.startsWith(typed) : joined === typed || joined.startsWith(`${typed} `);
}

/** A title (`bookId` set, and `book` to show its authors and cover) or author name as a candidate, if it contains every term. */
export function candidateOf(
  plan: QueryPlan,
  typed: string,
  text: string | SuggestionText,
  popularity: number,
  bookId?: string,
  book?: SuggestionCandidate['book'],
): SuggestionCandidate | null {
  const split = typeof text === 'string' ? suggestionText(text) : text;
  if (!satisfies(plan, split.terms)) return null;
  const leading = startsWithTyped(split.joined, typed, plan.terms.at(-1)?.prefix ?? false);
  if (bookId === undefined) return { text: split.text, leading, popularity };
  return book === undefined ? { text: split.text, bookId, leading, popularity } : { text: split.text, bookId, book, leading, popularity };
}

function byRelevance(a: SuggestionCandidate, b: SuggestionCandidate): number {
  return Number(b.leading) - Number(a.leading) || b.popularity - a.popularity || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0);
}

/**
 * Up to `limit` suggestions for what was typed (`prefix`): the candidates, those starting with the
 * typed text first, then by popularity, each text once (folded); then, while the last term is being
 * typed, words completing it from `completions(term, limit)`, most useful first, that no shown suggestion already contains.
 */
export function pickSuggestions(
  plan: QueryPlan,
  prefix: string,
  candidates: SuggestionCandidate[],
  completions: (term: string, limit: number) => readonly string[],
  limit: number,
): Suggestion[] {
  candidates.sort(byRelevance);
  const out: Suggestion[] = [];
  const seen = new Set<string>();
  const shownWords = new Set<string>();
  const marker = typedMarker(plan);
  const add = (text: string, bookId?: string, book?: SuggestionCandidate['book']) => {
    if (out.length >= limit) return;
    const key = foldText(text);
    if (seen.has(key)) return;
    seen.add(key);
    for (const term of terms(text)) shownWords.add(term);
    const suggestion: Suggestion = { text, highlighted: highlight(text, marker) };
    if (bookId !== undefined) suggestion.bookId = bookId;
    if (book) {
      suggestion.authors = [...book.authors];
      if (book.coverUrl) suggestion.coverUrl = book.coverUrl;
    }
    out.push(suggestion);
  };
  for (const c of candidates) add(c.text, c.bookId, c.book);

  const last = plan.terms.at(-1);
  const lastWord = words(prefix).at(-1);
  if (out.length < limit && last?.prefix && last.found && Array.from(last.term).length >= MIN_WORD_PREFIX && lastWord) {
    const before = prefix.slice(0, lastWord.start);
    for (const word of completions(last.term, limit)) {
      if (word !== last.term && !shownWords.has(word)) add(`${before}${word}`);
    }
  }
  return out;
}
