import type { Highlights, SearchDocument } from '../../ports/search-index.js';
import { highlightMarked, snippetMarked, wholeWords, type MarkedWords } from './highlight.js';
import { termMatch, type QueryPlan } from './query-plan.js';
import { words, type Word } from './tokens.js';

type HighlightedBook = Pick<SearchDocument, 'title' | 'authors' | 'description'>;

/**
 * A field's words. ASCII text (most books) keeps only where they are, start and end of word i at 2i
 * and 2i + 1: such a word is letters and digits, and its one term is its text lower-cased. Other
 * text keeps its Words (folding may split a word or change its letters).
 */
export type FieldWords = readonly number[] | readonly Word[];

/** A book's words per highlighted field, for an index that keeps them with the book. */
export interface HighlightSpans {
  readonly title: FieldWords;
  readonly authors: FieldWords;
  readonly description: FieldWords;
}

const ASCII = /^[\x00-\x7f]*$/;
const ASCII_WORD = /[A-Za-z0-9]+/g;

/** The words of `text` as the tokenizer splits them (see `words`), compactly when it is ASCII. */
export function fieldWords(text: string): FieldWords {
  if (!ASCII.test(text)) return words(text);
  const bounds: number[] = [];
  ASCII_WORD.lastIndex = 0;
  for (let m = ASCII_WORD.exec(text); m !== null; m = ASCII_WORD.exec(text)) bounds.push(m.index, m.index + m[0].length);
  // Kept per cached book: a copy holds no room to grow.
  return bounds.slice();
}

/** The authors as one highlighted text. */
export function authorsText(book: Pick<SearchDocument, 'authors'>): string {
  return book.authors.join(', ');
}

export function highlightSpans(book: HighlightedBook): HighlightSpans {
  return { title: fieldWords(book.title), authors: fieldWords(authorsText(book)), description: fieldWords(book.description) };
}

function isOffsets(words: FieldWords): words is readonly number[] {
  return words.length === 0 || typeof words[0] === 'number';
}

/**
 * Highlights for the hits of one query: every word the plan accepts marked whole, the description
 * cut to a snippet around them. Whether a term matches is decided once per query, not per occurrence.
 */
export function hitHighlighter(plan: QueryPlan): (book: HighlightedBook, spans?: HighlightSpans) => Highlights {
  const matches = new Map<string, boolean>();
  const isMatch = (term: string) => {
    let match = matches.get(term);
    if (match === undefined) matches.set(term, (match = termMatch(plan, term) !== null));
    return match;
  };
  const mark = wholeWords(isMatch);
  // The terms termMatch accepts whole, and those it accepts as a start: an ASCII word is compared in
  // its place in the lower-cased text, with no string made for it.
  const whole = [...new Set(plan.terms.flatMap((t) => [t.term, ...t.alternatives, ...t.splits.flat()]))];
  const starts = [...new Set(plan.terms.filter((t) => t.prefix).map((t) => t.term))];
  const matchesAt = (folded: string, start: number, end: number) => {
    const length = end - start;
    for (const term of whole) if (term.length === length && folded.startsWith(term, start)) return true;
    for (const term of starts) if (term.length <= length && folded.startsWith(term, start)) return true;
    return false;
  };
  const marked = (text: string, words: FieldWords): MarkedWords => {
    if (isOffsets(words)) {
      const folded = text.toLowerCase();
      const marks = new Array<number>(words.length / 2);
      for (let i = 0; i < marks.length; i++) {
        const start = words[2 * i]!;
        const end = words[2 * i + 1]!;
        marks[i] = matchesAt(folded, start, end) ? end - start : 0;
      }
      return { bounds: words, marked: marks };
    }
    const bounds = new Array<number>(2 * words.length);
    const marks = new Array<number>(words.length);
    for (let i = 0; i < words.length; i++) {
      const word = words[i]!;
      bounds[2 * i] = word.start;
      bounds[2 * i + 1] = word.end;
      marks[i] = mark(word, text);
    }
    return { bounds, marked: marks };
  };
  return (book, spans = highlightSpans(book)) => {
    const authors = authorsText(book);
    return {
      title: highlightMarked(book.title, marked(book.title, spans.title)),
      authors: highlightMarked(authors, marked(authors, spans.authors)),
      description: snippetMarked(book.description, marked(book.description, spans.description), 20),
    };
  };
}
