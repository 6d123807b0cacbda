/**
 * Search-as-you-type for the OpenSearch search index: one request fetches the best-rated books whose
 * title or an author contains every typed term (the last through the edge n-gram subfields), those
 * whose title or author starts with the typed text first; the suggestions are then picked, ordered and
 * marked here by the same rules as the embedded index.
 */
import type { Suggestion } from '../../ports/search-index.js';
import { highlight, prefixLength, type WordMarker } from '../embedded/search/highlight.js';
import { foldText, terms, words } from '../embedded/search/tokens.js';
import { fieldMatch, leadingMatch, NOT_DELETED, termMatches, type TermPlan } from './search-query.js';

/** Books looked at; more only adds rarely shown tail entries. */
const CANDIDATES = 50;
/** Word completions below this length would list most of the vocabulary. */
const MIN_WORD_PREFIX = 2;
/** Typed text longer than any title or author name cannot lead one. */
const MAX_LEADING = 300;

export interface SuggestSource {
  id: string;
  title: string;
  authors: string[];
  rating: number;
}

export function suggestRequest(plan: readonly TermPlan[], typed: string): Record<string, unknown> {
  const lastIsPrefix = plan.at(-1)?.prefix ?? false;
  const leading = typed.length > MAX_LEADING ? [] : ['title', 'authors'].map((f) => ({ constant_score: { filter: leadingMatch(f, typed, lastIsPrefix) } }));
  return {
    size: CANDIDATES,
    _source: ['id', 'title', 'authors', 'rating'],
    query: {
      bool: {
        filter: [NOT_DELETED, { bool: { should: [fieldMatch(plan, 'title'), fieldMatch(plan, 'authors')], minimum_should_match: 1 } }],
        should: leading,
      },
    },
    sort: [{ _score: 'desc' }, { rating: 'desc' }, { id: 'asc' }],
  };
}

interface Candidate {
  text: string;
  bookId?: string;
  /** The text starts with what was typed. */
  leading: boolean;
  /** Rating of the book behind it: the popularity proxy. */
  popularity: number;
}

function satisfies(plan: readonly TermPlan[], text: string): boolean {
  const found = terms(text);
  return plan.every((t) => found.some((word) => termMatches(t, word) !== null));
}

function startsWithTyped(text: string, typed: string, lastIsPrefix: boolean): boolean {
  const key = terms(text).join(' ');
  return lastIsPrefix ? key.startsWith(typed) : key === typed || key.startsWith(`${typed} `);
}

function byRelevance(a: Candidate, b: Candidate): number {
  return Number(b.leading) - Number(a.leading) || b.popularity - a.popularity || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0);
}

/** Marks the typed part: a word matched as a prefix only up to what was typed, other matches whole. */
function typedMarker(plan: readonly TermPlan[]): WordMarker {
  return (word, text) => {
    const wordText = text.slice(word.start, word.end);
    for (const term of word.terms) {
      for (const t of plan) {
        const match = termMatches(t, term);
        if (match === 'whole') return wordText.length;
        if (match === 'prefix') return prefixLength(wordText, t.term);
      }
    }
    return 0;
  };
}

/** Titles and authors first, then words of those books completing the last term, within `limit`. */
export function pickSuggestions(plan: readonly TermPlan[], prefix: string, books: readonly SuggestSource[], limit: number): Suggestion[] {
  const typed = terms(prefix).join(' ');
  const lastIsPrefix = plan.at(-1)?.prefix ?? false;
  const candidates: Candidate[] = [];
  for (const book of books) {
    if (satisfies(plan, book.title)) {
      candidates.push({ text: book.title, bookId: book.id, leading: startsWithTyped(book.title, typed, lastIsPrefix), popularity: book.rating });
    }
    for (const author of book.authors) {
      if (satisfies(plan, author)) candidates.push({ text: author, leading: startsWithTyped(author, typed, lastIsPrefix), popularity: book.rating });
    }
  }
  candidates.sort(byRelevance);

  const out: Suggestion[] = [];
  const seen = new Set<string>();
  const shownWords = new Set<string>();
  const marker = typedMarker(plan);
  const add = (text: string, bookId?: string) => {
    const key = foldText(text);
    if (seen.has(key) || out.length >= limit) return;
    seen.add(key);
    for (const term of terms(text)) shownWords.add(term);
    const highlighted = highlight(text, marker);
    out.push(bookId === undefined ? { text, highlighted } : { text, highlighted, bookId });
  };
  for (const c of candidates) add(c.text, c.bookId);

  const last = plan.at(-1)!;
  const lastWord = words(prefix).at(-1);
  if (out.length < limit && last.prefix && Array.from(last.term).length >= MIN_WORD_PREFIX && lastWord) {
    const before = prefix.slice(0, lastWord.start);
    for (const word of completions(last.term, books)) {
      if (word !== last.term && !shownWords.has(word)) add(`${before}${word}`);
    }
  }
  return out;
}

/** Words starting with `prefix` in the candidates' titles and authors, the most frequent first. */
function completions(prefix: string, books: readonly SuggestSource[]): string[] {
  const counts = new Map<string, number>();
  for (const book of books) {
    for (const word of new Set(terms([book.title, ...book.authors].join(' ')))) {
      if (word.startsWith(prefix)) counts.set(word, (counts.get(word) ?? 0) + 1);
    }
  }
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([word]) => word);
}
